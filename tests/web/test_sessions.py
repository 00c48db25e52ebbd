"""Merchant sessions: a login link binds a browser to one shop; forms need the session's CSRF token."""
import pytest

from integration.app import create_app
from integration.db.base import session_signing_key
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.web.auth import login_token
from tests.web_helpers import csrf_from, sign_in


@pytest.fixture()
def client(rt, shops):
    return create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None).test_client()


def test_a_page_without_a_session_redirects_to_sign_in(client):
    response = client.get("/app/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/signed-out")
    assert b"returnkit shops login-link" in client.get("/app/signed-out").data


def test_a_login_link_signs_in_as_that_shop_only(client, shops):
    sign_in(client, shops["shopify"].id)
    page = client.get("/app/")
    assert page.status_code == 200
    assert shops["shopify"].domain.encode() in page.data and shops["woocommerce"].domain.encode() not in page.data


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJzaG9wIjoxfQ.forged.signature"])
def test_a_forged_login_link_is_refused(client, token):
    response = client.get(f"/app/login/{token}" if token else "/app/login/x")
    assert response.status_code == 401
    assert client.get("/app/").status_code == 302


def test_an_expired_login_link_is_refused(client, shops, monkeypatch):
    token = login_token(session_signing_key(), shops["shopify"].id)
    monkeypatch.setattr("integration.web.auth.LOGIN_LINK_MAX_AGE", -1)
    response = client.get(f"/app/login/{token}")
    assert response.status_code == 401 and b"expired" in response.data


def test_an_uninstalled_shop_loses_its_session(client, rt, shops):
    sign_in(client, shops["shopify"].id)
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).status = "uninstalled"
    assert client.get("/app/").status_code == 302


def test_a_form_without_the_session_csrf_token_is_refused(client, shops):
    sign_in(client, shops["shopify"].id)
    assert client.post("/app/logout").status_code == 400
    assert client.post("/app/logout", data={"csrf_token": "wrong"}).status_code == 400
    token = csrf_from(client.get("/app/").data)
    assert client.post("/app/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/app/").status_code == 302   # signed out


def test_a_token_from_another_session_does_not_pass(client, rt, shops):
    sign_in(client, shops["shopify"].id)
    other = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None).test_client()
    sign_in(other, shops["woocommerce"].id)
    stolen = csrf_from(other.get("/app/").data)
    assert client.post("/app/logout", data={"csrf_token": stolen}).status_code == 400


def test_pages_carry_security_headers_and_httponly_cookies(client, shops):
    response = client.get(f"/app/login/{login_token(session_signing_key(), shops['shopify'].id)}")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "returnkit_session=" in cookie
    page = client.get("/app/")
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_the_json_apis_and_webhooks_are_not_behind_csrf(client):
    response = client.post("/api/v1/decide", json={})
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "policy"
    assert client.post("/webhooks/shopify", data=b"{}").status_code != 400
