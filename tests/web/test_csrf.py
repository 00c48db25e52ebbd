"""CSRF, route by route: every unsafe route of a browser session refuses a missing or wrong token (400) and
changes nothing; the JSON APIs, the webhook receivers and the server-to-server install callbacks listed in
SERVER_TO_SERVER are exempt, and only they are.

The routes come from the app's URL map, so a form added later is checked without anyone listing it.
"""
from sqlalchemy import func, select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PendingInstall, Shop
from integration.web.auth import CSRF_EXEMPT_PREFIXES
from tests.web.tenant_world import SHOPLESS, csrf_of, snapshot, url_for_tenant
from tests.web_helpers import sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = "csrf_token: the form has expired or came from another site"
# Exempt routes that are neither a JSON API nor a webhook receiver, each with why and what authenticates it.
SERVER_TO_SERVER = {
    "/woocommerce/callback": "WooCommerce posts the new keys from the store's server, never the merchant's browser, "
                             "so there is no session token to send; the pending install's one-time nonce (user_id) "
                             "authenticates it (test_the_woocommerce_callback_refuses_an_unknown_nonce)",
}


def _unsafe_rules(app, exempt: bool) -> list:
    rules = [r for r in app.url_map.iter_rules() if r.methods & UNSAFE]
    return sorted((r for r in rules if r.endpoint.startswith(CSRF_EXEMPT_PREFIXES) == exempt), key=lambda r: r.rule)


def _everything(rt, tenants) -> list:
    return [snapshot(rt, t.shop_id) for t in tenants]


def test_every_session_form_refuses_a_missing_or_wrong_token_and_changes_nothing(web_app, rt, tenants):
    mine, _ = tenants
    client, failures = web_app.test_client(), []
    rules = _unsafe_rules(web_app, exempt=False)
    assert "pages.logout" in {r.endpoint for r in rules}
    for rule in rules:
        url = url_for_tenant(web_app, rule, mine)   # the caller's own rows: with the token it would act
        for method in sorted(rule.methods & UNSAFE):
            for sent in ({}, {"csrf_token": "wrong"}, {"X-CSRF-Token": "wrong"}):
                sign_in(client, mine.shop_id)
                before = _everything(rt, tenants)
                form = {k: v for k, v in sent.items() if k == "csrf_token"}
                headers = {k: v for k, v in sent.items() if k != "csrf_token"}
                response = client.open(url, method=method, data=form, headers=headers)
                if response.status_code != 400 or REFUSED not in response.get_data(as_text=True):
                    failures.append(f"{method} {url} with {sent or 'no token'} answered {response.status_code}")
                if _everything(rt, tenants) != before:
                    failures.append(f"{method} {url} with {sent or 'no token'} changed rows")
                if client.get("/app/").status_code != 200:
                    failures.append(f"{method} {url} with {sent or 'no token'} signed the browser out")
    assert not failures, "\n".join(failures)


def test_the_right_token_passes(web_app, tenants):
    mine, _ = tenants
    client = web_app.test_client()
    sign_in(client, mine.shop_id)
    response = client.post("/app/logout", headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 302 and client.get("/app/").status_code == 302


def test_only_the_json_apis_and_webhooks_are_exempt_and_they_take_posts_without_a_token(web_app, tenants):
    mine, _ = tenants
    client, failures = web_app.test_client(), []
    sign_in(client, mine.shop_id)
    rules = _unsafe_rules(web_app, exempt=True)
    assert {"/api/v1/decide", "/api/v1/requests"} <= {r.rule for r in rules}
    assert set(SERVER_TO_SERVER) <= {r.rule for r in rules}, "remove SERVER_TO_SERVER entries that are not exempt"
    for rule in rules:
        if not rule.rule.startswith(("/api/", "/webhooks/")) and rule.rule not in SERVER_TO_SERVER:
            failures.append(f"{rule.rule} ({rule.endpoint}) is CSRF-exempt but is no JSON API, webhook or "
                            "server-to-server callback")
        # the receivers' <platform> is no shop's id; every other parameter is the caller's own row
        url = rule.rule.replace("<platform>", "shopify") if "platform" in rule.arguments else \
            url_for_tenant(web_app, rule, mine)
        response = client.post(url, json={}, headers={"Authorization": f"Bearer {mine.api_key}"})
        if REFUSED in response.get_data(as_text=True):
            failures.append(f"POST {url} was refused for CSRF, but its callers are not browsers")
    assert not failures, "\n".join(failures)


def test_the_webhook_receivers_are_served_by_the_edge_app_where_no_session_or_csrf_applies(web_app, tenants):
    mine, _ = tenants
    edge = web_app.extensions["webhooks_edge"]
    assert {r.rule for r in edge.url_map.iter_rules() if r.methods & UNSAFE} == {
        "/webhooks/<platform>", "/webhooks/easypost/<slug>"}
    assert not any(r.rule.startswith("/webhooks") for r in web_app.url_map.iter_rules())
    client = web_app.test_client()
    sign_in(client, mine.shop_id)
    response = client.post("/webhooks/shopify", json={}, headers={"X-Shopify-Shop-Domain": mine.domain})
    assert response.status_code == 401 and REFUSED not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers and response.headers["X-Request-Id"]


def test_session_routes_without_a_blueprint_cannot_slip_past(web_app):
    """check_csrf lets app-level routes through: none of them may take an unsafe method."""
    loose = [r.rule for r in web_app.url_map.iter_rules() if r.methods & UNSAFE and "." not in r.endpoint]
    assert not loose, f"{loose}: register unsafe routes on a blueprint so CSRF applies"
    assert not {r.rule for r in _unsafe_rules(web_app, exempt=False)} & SHOPLESS


def _installs(rt) -> tuple:
    with rt.sessions() as db:
        return (db.scalar(select(func.count()).select_from(Shop)),
                db.scalars(select(PendingInstall.completed_at).order_by(PendingInstall.id)).all())


def test_the_woocommerce_callback_refuses_an_unknown_nonce(web_app, rt, tenants):
    """The exemption is no hole: keys posted with a nonce no pending install has connect nothing, sign no one in."""
    mine, _ = tenants
    with transaction(rt.sessions) as db:
        db.add(PendingInstall(platform="woocommerce", domain="https://woo-new.example.com", nonce="n" * 43,
                              policy_name="kaolate", expires_at=utcnow().replace(year=2100)))
    client = web_app.test_client()
    sign_in(client, mine.shop_id)
    before, installs = _everything(rt, tenants), _installs(rt)
    response = client.post("/woocommerce/callback", json={"key_id": 1, "user_id": "x" * 43, "consumer_key": "ck_x",
                                                          "consumer_secret": "cs_x", "key_permissions": "read_write"})
    assert response.status_code == 404 and response.json["error"].startswith("user_id:")
    assert (_everything(rt, tenants), _installs(rt)) == (before, installs)
    with client.session_transaction() as session:
        assert session["shop_id"] == mine.shop_id


def test_the_install_routes_that_sign_a_browser_in_are_gets_checked_by_their_platform(web_app, rt, tenants):
    """Shopify's callback and WooCommerce's return are GETs (CSRF does not apply): forged, they change nothing."""
    mine, other = tenants
    methods = {r.endpoint: r.methods & (UNSAFE | {"GET"}) for r in web_app.url_map.iter_rules()}
    assert methods["install_shopify.callback"] == methods["install_woo.finish"] == {"GET"}
    client = web_app.test_client()
    sign_in(client, mine.shop_id)
    before, installs = _everything(rt, tenants), _installs(rt)
    forged = [f"/auth/callback?shop={other.domain}&code=x&state=unknown&hmac=00&timestamp=0",
              f"/auth/callback?shop={mine.domain}&code=x&state=unknown",
              "/woocommerce/return?success=1&user_id=unknown"]
    for url in forged:
        assert client.get(url).status_code >= 400, url
        with client.session_transaction() as session:
            assert session["shop_id"] == mine.shop_id, url
    assert (_everything(rt, tenants), _installs(rt)) == (before, installs)
