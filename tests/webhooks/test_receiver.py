"""The receiver matrix: 405, 400, 401, 413, ignored, unknown, duplicate, unknown shop, uninstalled, ping."""
import json

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import select
from werkzeug.datastructures import EnvironHeaders

from adapters.common import lower_headers
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from tests.webhook_helpers import SHOPIFY_DOMAIN, post, signed_headers
from webhooks.receiver import request_headers
from tests.tiers import examples

PRODUCT = {"id": 7001, "title": "Organic tee", "tags": "organic", "updated_at": "2026-05-01T10:00:00-06:00"}


def _deliveries(rt) -> list[WebhookDelivery]:
    with rt.sessions() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_get_is_405(client):
    assert client.get("/webhooks/shopify").status_code == 405


def test_unknown_platform_is_404(client):
    assert client.post("/webhooks/magento", data=b"{}").status_code == 404


def test_malformed_json_is_400_after_the_signature_holds(client, rt):
    response = post(client, "shopify", "products/update", None, body=b'{"id": 7001,')
    assert (response.status_code, response.json["status"]) == (400, "malformed-json")
    assert _deliveries(rt) == []


def test_a_json_array_is_400(client):
    assert post(client, "shopify", "products/update", [1, 2]).status_code == 400


def test_over_the_size_cap_is_413_before_any_signature_work(client, rt):
    rt.settings = rt.settings.__class__(**{**rt.settings.__dict__, "webhook_max_body_bytes": 100})
    response = post(client, "shopify", "products/update", {**PRODUCT, "body_html": "x" * 500})
    assert response.status_code == 413
    assert _deliveries(rt) == []


def test_known_unused_topic_is_200_and_recorded_as_ignored(client, rt, queue):
    response = post(client, "shopify", "customers/update", {"id": 1})
    assert (response.status_code, response.json["status"]) == (200, "ignored")
    [row] = _deliveries(rt)
    assert (row.status, row.error, queue) == ("ignored", "known topic that returnkit does not use", [])


def test_unknown_topic_is_200_and_recorded_with_a_warning(client, rt, caplog):
    response = post(client, "shopify", "widgets/explode", {"id": 1})
    assert (response.status_code, response.json["status"]) == (200, "ignored")
    assert _deliveries(rt)[0].error == "unknown topic"
    assert "webhook.unknown-topic" in caplog.text


def test_duplicate_delivery_is_200_and_changes_nothing(client, rt, queue):
    body = json.dumps(PRODUCT).encode()
    headers = signed_headers("shopify", "products/update", body)
    first = client.post("/webhooks/shopify", data=body, headers=headers, content_type="application/json")
    again = client.post("/webhooks/shopify", data=body, headers=headers, content_type="application/json")
    assert (first.json["status"], again.json["status"]) == ("accepted", "duplicate")
    assert len(_deliveries(rt)) == 1 and queue == [first.json["delivery"]]


def test_woocommerce_redelivery_of_the_same_change_is_a_duplicate(client, rt):
    order = {"id": 1201, "date_modified_gmt": "2026-05-02T10:00:00", "status": "processing"}
    first = post(client, "woocommerce", "order.updated", order)
    # WooCommerce gives the resend a fresh delivery id; the change it carries is the same.
    again = post(client, "woocommerce", "order.updated", order, X_WC_Webhook_Delivery_ID="another")
    later = post(client, "woocommerce", "order.updated", {**order, "date_modified_gmt": "2026-05-02T10:05:00"})
    assert [r.json["status"] for r in (first, again, later)] == ["accepted", "duplicate", "accepted"]


def test_unknown_shop_is_404_and_writes_nothing(client, rt):
    response = post(client, "shopify", "products/update", PRODUCT, X_Shopify_Shop_Domain="stranger.myshopify.com")
    assert response.status_code == 404
    assert _deliveries(rt) == []


def test_uninstalled_shop_gets_410_except_for_compliance_topics(client, rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).status = "uninstalled"
    assert post(client, "shopify", "products/update", PRODUCT).status_code == 410
    redact = {"shop_id": 1, "shop_domain": SHOPIFY_DOMAIN}
    assert post(client, "shopify", "shop/redact", redact).status_code == 200


def test_woocommerce_ping_gets_200_and_writes_nothing(client, rt):
    response = client.post("/webhooks/woocommerce", data=b"webhook_id=12",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert _deliveries(rt) == []


def test_accepted_delivery_is_stored_with_its_metadata_and_queued_by_id(client, rt, queue):
    response = post(client, "shopify", "products/update", PRODUCT)
    [row] = _deliveries(rt)
    assert queue == [row.id] == [response.json["delivery"]]
    assert (row.platform, row.topic, row.status) == ("shopify", "products/update", "received")
    assert json.loads(row.body) == PRODUCT
    assert row.dedupe_key.startswith("webhook:") and "x-shopify-hmac-sha256" not in row.headers


@pytest.mark.scaled
@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.sampled_from(["HTTP_X_SHOPIFY_TOPIC", "HTTP_X_WC_WEBHOOK_ID", "HTTP_CONTENT_TYPE",
                                        "HTTP_CONTENT_LENGTH", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_", "HTTP_A_B_C",
                                        "SERVER_NAME", "wsgi.url_scheme", "PATH_INFO"]),
                       st.text(max_size=8)))
def test_the_receiver_reads_the_headers_that_werkzeug_reads(environ):
    """request_headers (read from the environ for every delivery) is werkzeug's Headers view, keyed in lower case."""
    assert request_headers(environ) == lower_headers(EnvironHeaders(environ))
