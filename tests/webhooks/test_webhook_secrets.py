"""WooCommerce signs each webhook with its own secret: the receiver picks it by X-WC-Webhook-ID."""
import pytest

from integration.db.engine import transaction
from integration.db.models import WebhookSubscription
from tests.webhook_helpers import SECRET, post
from webhooks import shop_cache

ORDER = {"id": 1301, "date_modified_gmt": "2026-05-02T10:00:00", "status": "processing"}


@pytest.fixture()
def hooks(rt, shops):
    with transaction(rt.sessions) as db:
        for remote_id, topic in (("12", "order.updated"), ("13", "order.created")):
            db.add(WebhookSubscription(shop_id=shops["woocommerce"].id, topic=topic, remote_id=remote_id,
                                       address="http://x/webhooks/woocommerce", secret=f"hook-secret-{remote_id}"))
    return {"12": "hook-secret-12", "13": "hook-secret-13"}


def test_the_webhook_id_with_its_own_secret_is_accepted(client, hooks):
    response = post(client, "woocommerce", "order.updated", ORDER, secret=hooks["12"], X_WC_Webhook_ID="12")
    assert (response.status_code, response.json["status"]) == (200, "accepted")


def test_another_webhooks_secret_is_refused(client, hooks):
    response = post(client, "woocommerce", "order.updated", ORDER, secret=hooks["13"], X_WC_Webhook_ID="12")
    assert (response.status_code, response.json["status"]) == (401, "invalid-signature")


def test_a_known_webhook_signed_with_the_shop_secret_is_refused(client, hooks):
    response = post(client, "woocommerce", "order.updated", ORDER, secret=SECRET, X_WC_Webhook_ID="12")
    assert response.status_code == 401


def test_an_unknown_webhook_id_falls_back_to_the_shop_secret(client, hooks):
    assert post(client, "woocommerce", "order.updated", ORDER, secret=SECRET, X_WC_Webhook_ID="99").status_code == 200
    assert post(client, "woocommerce", "order.updated", ORDER, secret=hooks["12"],
                X_WC_Webhook_ID="99").status_code == 401


def test_the_secrets_come_from_the_snapshot_not_a_query_per_delivery(client, hooks, rt, monkeypatch):
    assert post(client, "woocommerce", "order.updated", ORDER, secret=hooks["12"], X_WC_Webhook_ID="12").status_code == 200
    loads = []
    cache = client.application.extensions["returnkit"].shops
    original = cache._load
    monkeypatch.setattr(cache, "_load", lambda *a: loads.append(a) or original(*a))
    for n in range(5):
        order = {**ORDER, "date_modified_gmt": f"2026-05-02T10:0{n}:01"}
        assert post(client, "woocommerce", "order.updated", order, secret=hooks["12"], X_WC_Webhook_ID="12").status_code == 200
    assert loads == []


def test_a_webhook_re_keyed_moments_ago_is_accepted_after_one_fresh_look(client, hooks, rt, monkeypatch):
    clock = [100.0]
    cache = client.application.extensions["returnkit"].shops
    monkeypatch.setattr(cache, "clock", lambda: clock[0])
    assert post(client, "woocommerce", "order.updated", ORDER, secret=hooks["12"], X_WC_Webhook_ID="12").status_code == 200
    with transaction(rt.sessions) as db:
        db.query(WebhookSubscription).filter_by(remote_id="12").one().secret = "rotated"
    clock[0] += shop_cache.RECHECK_AFTER_SECONDS
    later = {**ORDER, "date_modified_gmt": "2026-05-02T11:00:00"}
    assert post(client, "woocommerce", "order.updated", later, secret="rotated", X_WC_Webhook_ID="12").status_code == 200
