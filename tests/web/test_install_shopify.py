"""Installing on Shopify against the emulator: OAuth (state, HMAC, code), session tokens, token exchange,
refresh of expiring offline tokens, and the webhook subscriptions made on install."""
from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from sqlalchemy import func, select, text

from adapters.shopify.scopes import scope_param
from adapters.shopify.subscriptions import API_TOPICS
from integration.app import create_app
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PendingInstall, Shop, WebhookSubscription
from integration.runtime import build_runtime
from adapters.shopify.tokens import refresh_expiring, refresh_if_due
from integration.settings import load_settings
from tests.conftest import TEST_KEY
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.shopify_oauth import sign_query

DOMAIN = "new-shop.myshopify.com"
API_KEY, SECRET = "rk-test-client-id", "shpss_" + "5e" * 16


@pytest.fixture()
def emulator():
    shopify = ShopifyEmulator(token="shpat_none_yet")
    shopify.oauth.shop = DOMAIN
    served = Served(shopify.app)
    shopify.url = served.url
    yield shopify
    served.stop()


@pytest.fixture()
def irt(database_url, tmp_path, emulator):
    """A runtime with our Shopify app's credentials, talking to the emulator for every shop."""
    settings = load_settings({"DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"),
                              "RETURNKIT_SECRET_KEY": TEST_KEY, "RETURNKIT_SHOPIFY_API_KEY": API_KEY,
                              "RETURNKIT_SHOPIFY_API_SECRET": SECRET, "RETURNKIT_SHOPIFY_ADMIN_URL": emulator.url,
                              "RETURNKIT_PUBLIC_URL": "https://returnkit.test"})
    runtime = build_runtime(settings)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture()
def web(irt):
    return create_app({"TESTING": True}, rt=irt, enqueue=lambda _id: None, enqueue_action=lambda _id: None).test_client()


def start(web, shop=DOMAIN) -> dict:
    """GET /auth, then the emulator's authorize page; the query Shopify sends back to the callback."""
    begin = web.get(f"/auth?shop={shop}")
    assert begin.status_code == 302, begin.data
    authorize = urlsplit(begin.headers["Location"])
    answer = requests.get(f"{authorize.scheme}://{authorize.netloc}{authorize.path}?{authorize.query}",
                          allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert f"https://returnkit.test{back.path}" == "https://returnkit.test/auth/callback"
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def callback(web, query: dict):
    return web.get(f"/auth/callback?{urlencode(query)}")


def counts(irt) -> tuple[int, int]:
    with irt.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Shop)),
                session.scalar(select(func.count()).select_from(WebhookSubscription)))


def test_a_full_install_stores_the_shop_subscribes_and_signs_in(web, irt, emulator):
    query = start(web)
    authorize_scope = emulator.oauth.codes[query["code"]]["scope"]
    assert authorize_scope == scope_param() and "read_all_orders" in authorize_scope
    response = callback(web, query)
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/")
    with irt.sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
        stored = session.execute(text("SELECT api_token, refresh_token FROM shops WHERE id = :id"),
                                 {"id": shop.id}).one()
        rows = session.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop.id)).all()
        assert shop.policy_version.policy_id == "kaolate"
    assert shop.active and shop.api_token == emulator.token and shop.webhook_secret == SECRET
    assert emulator.token not in stored.api_token and shop.refresh_token not in stored.refresh_token   # encrypted
    assert shop.token_expires_at > utcnow() + timedelta(minutes=55) and shop.refresh_token_expires_at
    assert shop.scopes == authorize_scope
    assert sorted(r.topic for r in rows) == sorted(API_TOPICS)
    assert {r.remote_id for r in rows} == set(emulator.state.subscriptions)
    assert {s["uri"] for s in emulator.state.subscriptions.values()} == {"https://returnkit.test/webhooks/shopify"}
    page = web.get("/app/")
    assert page.status_code == 200 and DOMAIN.encode() in page.data


def test_the_pending_install_can_name_another_preset(web, irt):
    assert web.get(f"/auth?shop={DOMAIN}&policy=nope").status_code == 400
    begin = web.get(f"/auth?shop={DOMAIN}&policy=kinectr")
    with irt.sessions() as session:
        assert session.scalar(select(PendingInstall.policy_name)) == "kinectr"
    assert begin.status_code == 302


@pytest.mark.parametrize("shop", ["", "evil.com", "new-shop.myshopify.com.evil.com", "x.myshopify.com/../a",
                                  "new_shop.myshopify.com", "javascript:alert(1)"])
def test_a_bad_shop_domain_is_refused_naming_the_field(web, irt, shop):
    response = web.get(f"/auth?{urlencode({'shop': shop})}")
    assert response.status_code == 400 and b"shop:" in response.data
    with irt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PendingInstall)) == 0


@pytest.mark.parametrize("tamper", ["hmac", "shop", "code", "drop-hmac", "old"])
def test_a_forged_callback_is_refused_and_writes_nothing(web, irt, tamper):
    query = start(web)
    if tamper == "hmac":
        query["hmac"] = "0" * 64
    elif tamper == "drop-hmac":
        del query["hmac"]
    elif tamper == "old":
        query["timestamp"] = str(int(time.time()) - 3600)
        query["hmac"] = sign_query(query, SECRET)
    else:
        query[tamper] = "other-shop.myshopify.com" if tamper == "shop" else "forged"
    assert callback(web, query).status_code == 403
    assert counts(irt) == (0, 0)
    with irt.sessions() as session:
        assert session.scalar(select(PendingInstall.completed_at)) is None
    assert web.get("/app/").status_code == 302


def test_a_state_is_bound_to_the_shop_it_was_made_for(web, irt):
    query = start(web)
    swapped = dict(query, shop="other-shop.myshopify.com")
    swapped["hmac"] = sign_query(swapped, SECRET)    # even signed correctly, another shop's state is refused
    assert callback(web, swapped).status_code == 403
    assert counts(irt) == (0, 0) and web.get("/app/").status_code == 302


def test_a_wrong_or_expired_state_is_refused(web, irt):
    query = start(web)
    wrong = dict(query, state="not-our-nonce")
    wrong["hmac"] = sign_query(wrong, SECRET)
    assert callback(web, wrong).status_code == 403
    with transaction(irt.sessions) as session:
        session.scalar(select(PendingInstall)).expires_at = utcnow() - timedelta(seconds=1)
    assert callback(web, query).status_code == 403
    assert counts(irt) == (0, 0)


def test_a_replayed_callback_is_refused(web, irt, emulator):
    query = start(web)
    assert callback(web, query).status_code == 302
    token = emulator.token
    other = create_app({"TESTING": True}, rt=irt, enqueue=lambda _id: None).test_client()
    assert callback(other, query).status_code == 403
    assert other.get("/app/").status_code == 302 and emulator.token == token


def test_reinstalling_an_uninstalled_shop_reactivates_it_without_duplicate_subscriptions(web, irt, emulator):
    assert callback(web, start(web)).status_code == 302
    with transaction(irt.sessions) as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
        shop.status, shop.uninstalled_at, first_version = "uninstalled", utcnow(), shop.policy_version_id
    remote_before = dict(emulator.state.subscriptions)
    assert callback(web, start(web)).status_code == 302
    with irt.sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
        assert shop.active and shop.uninstalled_at is None and shop.api_token == emulator.token
        assert shop.policy_version_id == first_version   # the merchant's policy is kept
    assert counts(irt) == (1, len(API_TOPICS)) and emulator.state.subscriptions == remote_before


def session_token(audience=API_KEY, secret=SECRET, shop=DOMAIN, expires_in=60, **extra) -> str:
    now = int(time.time())
    claims = {"iss": f"https://{shop}/admin", "dest": f"https://{shop}", "aud": audience, "sub": "42",
              "exp": now + expires_in, "nbf": now - 5, "iat": now - 5, "jti": "jti-1", "sid": "sid-1"} | extra
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, secret, algorithm="HS256")


def test_an_embedded_load_with_a_session_token_installs_by_token_exchange_and_signs_in(web, irt, emulator):
    page = web.get(f"/app/?shop={DOMAIN}&host=aG9zdA&embedded=1&id_token={session_token()}")
    assert page.status_code == 200 and DOMAIN.encode() in page.data
    assert emulator.oauth.grants == ["token_exchange"]
    with irt.sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
    assert shop.api_token == emulator.token and shop.refresh_token and shop.token_expires_at > utcnow()
    assert counts(irt) == (1, len(API_TOPICS))
    again = web.get("/app/", headers={"Authorization": f"Bearer {session_token()}"})
    assert again.status_code == 200 and emulator.oauth.grants == ["token_exchange"]   # a valid token is kept


def test_an_embedded_load_of_an_installed_shop_exchanges_only_when_its_token_lapses(web, irt, emulator):
    assert callback(web, start(web)).status_code == 302
    with transaction(irt.sessions) as session:
        session.scalar(select(Shop).where(Shop.domain == DOMAIN)).token_expires_at = utcnow() + timedelta(minutes=1)
    fresh = create_app({"TESTING": True}, rt=irt, enqueue=lambda _id: None).test_client()
    assert fresh.get(f"/app/?embedded=1&id_token={session_token()}").status_code == 200
    assert emulator.oauth.grants == ["authorization_code", "token_exchange"]


@pytest.mark.parametrize("claims", [{"audience": "someone-else"}, {"expires_in": -60},
                                    {"secret": "shpss_" + "0f" * 16}, {"exp": None}, None])
def test_a_session_token_for_another_app_expired_or_forged_is_refused(web, irt, emulator, claims):
    token = session_token(**claims) if claims is not None else "garbage"
    fetch = web.get("/app/", headers={"Authorization": f"Bearer {token}"})
    assert fetch.status_code == 401
    document = web.get(f"/app/?embedded=1&id_token={token}")
    assert document.status_code in (302, 401)
    if document.status_code == 302:    # Shopify's page that fetches a fresh token, never the settings home
        assert urlsplit(document.headers["Location"]).path == "/auth/session-token"
    assert web.get("/app/").status_code == 302 and counts(irt) == (0, 0) and emulator.oauth.grants == []


def test_the_session_token_page_is_shopifys(web):
    page = web.get("/auth/session-token?shop=new-shop&shopify-reload=%2Fapp%2F")
    assert page.status_code == 200 and b"app-bridge.js" in page.data and API_KEY.encode() in page.data


def _lapsing(irt, minutes: float) -> int:
    with transaction(irt.sessions) as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
        shop.token_expires_at = utcnow() + timedelta(minutes=minutes)
        return shop.id


def test_a_token_lapsing_within_five_minutes_is_refreshed_before_use(web, irt, emulator):
    assert callback(web, start(web)).status_code == 302
    shop_id = _lapsing(irt, 30)
    assert refresh_if_due(irt.sessions, shop_id, irt.settings).api_token == emulator.token
    assert emulator.oauth.grants == ["authorization_code"]
    old = emulator.token
    _lapsing(irt, 4)
    refreshed = refresh_if_due(irt.sessions, shop_id, irt.settings)
    assert emulator.oauth.grants[-1] == "refresh_token" and refreshed.api_token == emulator.token != old
    with irt.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop.api_token == emulator.token and shop.token_expires_at > utcnow() + timedelta(minutes=55)


def test_the_gateway_and_the_periodic_task_refresh_lapsing_tokens(web, irt, emulator, monkeypatch):
    from integration.outbox.gateways import platform_gateway
    assert callback(web, start(web)).status_code == 302
    shop_id = _lapsing(irt, 2)
    monkeypatch.setenv("RETURNKIT_SHOPIFY_API_KEY", API_KEY)
    monkeypatch.setenv("RETURNKIT_SHOPIFY_API_SECRET", SECRET)
    monkeypatch.setenv("RETURNKIT_SHOPIFY_ADMIN_URL", emulator.url)
    with irt.sessions() as session:
        shop = session.get(Shop, shop_id)
    gateway = platform_gateway(shop, irt.sessions)
    assert emulator.oauth.grants[-1] == "refresh_token" and gateway.client.token == emulator.token
    _lapsing(irt, 3)
    assert refresh_expiring(irt) == 1 and emulator.oauth.grants.count("refresh_token") == 2
    assert refresh_expiring(irt) == 0


def test_an_unusable_refresh_token_fails_clearly(web, irt, emulator):
    assert callback(web, start(web)).status_code == 302
    shop_id = _lapsing(irt, 1)
    emulator.oauth.refresh_tokens.clear()      # revoked
    from adapters.shopify.tokens import TokenError
    with pytest.raises(TokenError, match="open returnkit from the Shopify admin"):
        refresh_if_due(irt.sessions, shop_id, irt.settings)


def test_a_callback_link_opened_in_another_browser_signs_nobody_in(web, irt, emulator):
    query = start(web)                      # started here, finished elsewhere (a link sent to a victim)
    other = create_app({"TESTING": True}, rt=irt, enqueue=lambda _id: None).test_client()
    answer = callback(other, query)
    assert answer.status_code == 403 and b"another browser" in answer.data
    assert counts(irt) == (0, 0) and other.get("/app/").status_code == 302


def test_a_callback_replayed_in_the_same_browser_is_refused(web, irt, emulator):
    query = start(web)
    assert callback(web, query).status_code == 302
    assert callback(web, query).status_code == 403
