"""Connecting a WooCommerce store against the emulator: the authorize key flow, keys by hand, re-connect."""
from __future__ import annotations

import dataclasses
import re

import pytest
import requests
from sqlalchemy import func, select, text

from integration.app import create_app
from integration.db.engine import transaction
from integration.db.models import PendingInstall, Shop, WebhookDelivery, WebhookSubscription
from integration.db.base import utcnow
from adapters.woocommerce.topics import TOPICS
from tests.emulators.server import Served
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.web_helpers import csrf_from
from tests.webhook_helpers import load_fixture


@pytest.fixture()
def store():
    emulator = WooCommerceEmulator()
    emulator.auth.require_https_callback = False     # returnkit is on plain-http localhost here
    emulator.add_order(load_fixture("woocommerce", "order_created"))
    served = Served(emulator.app)
    emulator.url = served.url
    yield emulator
    served.stop()


@pytest.fixture()
def app_url(rt):
    """returnkit served on localhost, its public URL pointing at itself, private store URLs allowed."""
    app = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None)
    served = Served(app)
    rt.settings = dataclasses.replace(rt.settings, public_url=served.url, allow_private_store_urls=True)
    yield served.url
    served.stop()


def _start(browser: requests.Session, app_url: str, store_url: str, policy: str = "kinectr") -> requests.Response:
    token = csrf_from(browser.get(f"{app_url}/woocommerce/connect").text)
    return browser.post(f"{app_url}/woocommerce/connect", data={"csrf_token": token, "store_url": store_url,
                                                                 "policy": policy})


def _shop(rt, url: str) -> Shop | None:
    with rt.sessions() as db:
        shop = db.scalar(select(Shop).where(Shop.platform == "woocommerce", Shop.domain == url))
        _ = shop and shop.policy_version   # loaded while the session is open
        return shop


def _subscriptions(rt, shop_id: int) -> list[WebhookSubscription]:
    with rt.sessions() as db:
        return list(db.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop_id)))


def _count(rt, model) -> int:
    with rt.sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_the_authorize_flow_connects_signs_in_and_creates_webhooks_with_their_own_secrets(rt, app_url, store):
    browser = requests.Session()
    landed = _start(browser, app_url, store.url)
    assert landed.status_code == 200 and landed.url == f"{app_url}/app/", landed.text
    assert store.url in landed.text
    [callback] = store.auth.callbacks
    assert callback["status"] == 200
    shop = _shop(rt, store.url)
    assert (shop.consumer_key, shop.consumer_secret) == (store.key, store.secret)
    assert shop.policy_version.policy_id == "kinectr"
    with rt.engine.connect() as conn:   # encrypted at rest: the raw column is not the key
        raw = conn.execute(text("SELECT consumer_key, consumer_secret FROM shops WHERE id = :id"), {"id": shop.id}).one()
    assert store.key not in str(raw) and store.secret not in str(raw)
    subs = _subscriptions(rt, shop.id)
    assert sorted(s.topic for s in subs) == sorted(TOPICS)
    assert len({s.secret for s in subs}) == len(TOPICS)
    remote = {str(h["id"]): h for h in store.auth.webhooks.values()}
    for sub in subs:
        assert remote[sub.remote_id]["secret"] == sub.secret and remote[sub.remote_id]["topic"] == sub.topic
        assert remote[sub.remote_id]["delivery_url"] == f"{app_url}/webhooks/woocommerce?shop=" + \
            requests.utils.quote(store.url, safe="")


def test_a_delivery_from_a_created_webhook_is_accepted(rt, app_url, store):
    _start(requests.Session(), app_url, store.url)
    [answer] = store.auth.deliver("order.created", load_fixture("woocommerce", "order_created"), store.url)
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert _count(rt, WebhookDelivery) == 1


def test_the_default_policy_is_kaolate(rt, app_url, store):
    _start(requests.Session(), app_url, store.url, policy="")
    assert _shop(rt, store.url).policy_version.policy_id == "kaolate"


def test_the_return_url_in_another_browser_does_not_sign_in(rt, app_url, store):
    browser = requests.Session()
    first = browser.post(f"{app_url}/woocommerce/connect", allow_redirects=False, data={
        "csrf_token": csrf_from(browser.get(f"{app_url}/woocommerce/connect").text), "store_url": store.url})
    authorize = requests.get(first.headers["Location"], allow_redirects=False)   # the store, then its redirect
    return_url = authorize.headers["Location"]
    stranger = requests.Session()
    page = stranger.get(return_url)
    assert page.status_code == 403 and "only the browser that started" in page.text
    assert stranger.get(f"{app_url}/app/").url.endswith("/app/signed-out")
    assert browser.get(return_url).url == f"{app_url}/app/"


def test_a_declined_approval_connects_nothing(rt, app_url, store):
    store.auth.approve = False
    page = _start(requests.Session(), app_url, store.url)
    assert "did not approve" in page.text and _shop(rt, store.url) is None


def _pending(rt, nonce="n" * 43, **fields) -> str:
    values = {"platform": "woocommerce", "domain": "https://woo-new.example.com", "nonce": nonce,
              "policy_name": "kaolate", "expires_at": utcnow().replace(year=2100), **fields}
    with transaction(rt.sessions) as db:
        db.add(PendingInstall(**values))
    return nonce


KEYS = {"key_id": 1, "consumer_key": "ck_x", "consumer_secret": "cs_x", "key_permissions": "read_write"}


@pytest.mark.parametrize("case, status", [("unknown", 404), ("expired", 404), ("used", 404), ("read-only", 403),
                                          ("no-secret", 400)])
def test_a_bad_callback_is_refused_and_writes_nothing(rt, client, case, status):
    fields = {"expired": {"expires_at": utcnow().replace(year=2000)}, "used": {"completed_at": utcnow()}}.get(case, {})
    nonce = _pending(rt, **fields)
    body = {**KEYS, "user_id": "someone-else" if case == "unknown" else nonce}
    body.update({"read-only": {"key_permissions": "read"}, "no-secret": {"consumer_secret": ""}}.get(case, {}))
    shops_before = _count(rt, Shop)
    response = client.post("/woocommerce/callback", json=body)
    assert response.status_code == status, response.json
    field = {"read-only": "key_permissions", "no-secret": "consumer_secret"}.get(case, "user_id")
    assert response.json["error"].startswith(f"{field}:")
    assert (_count(rt, Shop), _count(rt, WebhookSubscription)) == (shops_before, 0)
    with rt.sessions() as db:
        assert db.scalar(select(PendingInstall.completed_at).where(PendingInstall.nonce == nonce)) == \
            fields.get("completed_at")


def _paste(browser, app_url, store, key, secret):
    token = csrf_from(browser.get(f"{app_url}/woocommerce/connect").text)
    return browser.post(f"{app_url}/woocommerce/connect/keys", data={
        "csrf_token": token, "store_url": store.url, "consumer_key": key, "consumer_secret": secret})


def test_keys_by_hand_connect_and_sign_in(rt, app_url, store):
    page = _paste(requests.Session(), app_url, store, store.key, store.secret)
    assert page.url == f"{app_url}/app/" and store.url in page.text
    assert len(_subscriptions(rt, _shop(rt, store.url).id)) == len(TOPICS)


def test_keys_that_cannot_read_orders_get_a_clear_error_naming_the_field(rt, app_url, store):
    page = _paste(requests.Session(), app_url, store, store.key, "cs_wrong")
    assert page.status_code == 422
    assert re.search(r"consumer_key: the store refused these keys for reading orders \(HTTP 401\)", page.text)
    assert _shop(rt, store.url) is None and store.auth.webhooks == {}


def test_reconnecting_replaces_webhooks_without_duplicates(rt, app_url, store):
    _paste(requests.Session(), app_url, store, store.key, store.secret)
    shop_id = _shop(rt, store.url).id
    first = {s.topic: (s.remote_id, s.secret) for s in _subscriptions(rt, shop_id)}
    with transaction(rt.sessions) as db:
        db.get(Shop, shop_id).status = "uninstalled"
    _start(requests.Session(), app_url, store.url)         # again, through the authorize flow
    again = {s.topic: (s.remote_id, s.secret) for s in _subscriptions(rt, shop_id)}
    assert _shop(rt, store.url).active and _count(rt, Shop) == 1
    assert len(store.auth.webhooks) == len(TOPICS) == len(again)
    assert all(again[t][0] == first[t][0] and again[t][1] != first[t][1] for t in TOPICS)
    assert {str(h["id"]): h["secret"] for h in store.auth.webhooks.values()} == dict(again.values())


def test_a_duplicate_webhook_left_on_the_store_is_removed(rt, app_url, store):
    _paste(requests.Session(), app_url, store, store.key, store.secret)
    stray = dict(next(iter(store.auth.webhooks.values())), id=999)
    store.auth.webhooks[999] = stray
    _paste(requests.Session(), app_url, store, store.key, store.secret)
    assert 999 not in store.auth.webhooks and len(store.auth.webhooks) == len(TOPICS)


def test_a_private_store_url_is_refused_without_the_development_flag(rt, app_url, store):
    rt.settings = dataclasses.replace(rt.settings, allow_private_store_urls=False)
    page = _start(requests.Session(), app_url, store.url)
    assert page.status_code == 422 and "store_url:" in page.text and "not https" in page.text
    assert store.auth.callbacks == [] and _count(rt, PendingInstall) == 0


def test_the_connect_form_needs_its_csrf_token(client):
    response = client.post("/woocommerce/connect", data={"store_url": "https://shop.example.com"})
    assert response.status_code == 400


def test_a_browser_cannot_finish_with_another_connects_nonce(rt, app_url, store):
    _start(requests.Session(), app_url, store.url)                  # someone else's finished connect
    with rt.sessions() as db:
        theirs = db.scalar(select(PendingInstall.nonce).where(PendingInstall.completed_at.is_not(None)))
    mine = requests.Session()
    store.auth.approve = False
    _start(mine, app_url, store.url)                                 # bound to a nonce of its own
    page = mine.get(f"{app_url}/woocommerce/return", params={"success": 1, "user_id": theirs})
    assert page.status_code == 403
    assert mine.get(f"{app_url}/app/").url.endswith("/app/signed-out")
