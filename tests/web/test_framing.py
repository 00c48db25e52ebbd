"""Clickjacking (issue 16, item 4): a page may be framed only by the signed-in Shopify shop's own admin, or, for
the customers' request page, by the one https storefront its merchant named; every other page by nobody."""
import dataclasses

import pytest

from integration.app import create_app
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.shops.embedding import https_origin
from tests.web_helpers import csrf_from, sign_in

SHOPIFY_FRAMES = "frame-ancestors https://kaolate-demo.myshopify.com https://admin.shopify.com"
NOBODY = "frame-ancestors 'none'"
WOO_SLUG = "woo-demo.example.com"


def _app(rt, public_url: str = "http://127.0.0.1:8000"):
    rt.settings = dataclasses.replace(rt.settings, public_url=public_url)
    return create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None)


@pytest.fixture()
def client(rt, shops):
    return _app(rt).test_client()


def _frames(response) -> str:
    assert response.mimetype == "text/html", response.status
    return response.headers["Content-Security-Policy"]


def test_signed_out_pages_may_not_be_framed(client):
    for path in ("/app/signed-out", "/woocommerce/connect", "/app/login/not-a-token"):
        response = client.get(path)
        assert _frames(response) == NOBODY and response.headers["X-Frame-Options"] == "DENY", path


def test_a_shopify_shops_pages_name_only_its_own_admin(client, shops):
    sign_in(client, shops["shopify"].id)
    for path in ("/app/", "/app/dashboard/", "/app/policy/", "/app/embedding/"):
        response = client.get(path)
        assert response.status_code == 200 and _frames(response) == SHOPIFY_FRAMES, path
        assert "X-Frame-Options" not in response.headers


def test_a_woocommerce_shops_pages_may_not_be_framed(client, shops):
    sign_in(client, shops["woocommerce"].id)
    for path in ("/app/", "/app/dashboard/", "/app/embedding/"):
        response = client.get(path)
        assert response.status_code == 200 and _frames(response) == NOBODY, path


@pytest.mark.parametrize("slug", ["kaolate-demo.myshopify.com", WOO_SLUG])
def test_a_customer_page_is_not_framed_until_its_merchant_names_a_storefront(client, shops, slug):
    assert _frames(client.get(f"/r/{slug}")) == NOBODY
    shop = shops["shopify" if "myshopify" in slug else "woocommerce"]
    sign_in(client, shop.id)
    token = csrf_from(client.get("/app/embedding/").data)
    saved = client.post("/app/embedding/", data={"csrf_token": token, "storefront_origin": "https://Shop.Example.com/"})
    assert saved.status_code == 303
    assert _frames(client.get(f"/r/{slug}")) == "frame-ancestors https://shop.example.com"
    other = WOO_SLUG if "myshopify" in slug else "kaolate-demo.myshopify.com"
    assert _frames(client.get(f"/r/{other}")) == NOBODY   # another shop's page is not opened up
    cleared = client.post("/app/embedding/", data={"csrf_token": token, "storefront_origin": ""})
    assert cleared.status_code == 303 and _frames(client.get(f"/r/{slug}")) == NOBODY


@pytest.mark.parametrize("typed, problem", [
    ("http://shop.example.com", "must start with https://"),
    ("https://shop.example.com/returns", "no path"),
    ("https://*.example.com", "is not a host name"),
    ("https://shop.example.com; script-src *", "is not a host name"),
    ("https://user@shop.example.com", "is not a host name"),
    ("shop.example.com", "must start with https://"),
])
def test_a_storefront_that_is_not_an_https_origin_is_refused_naming_the_field(client, rt, shops, typed, problem):
    sign_in(client, shops["shopify"].id)
    token = csrf_from(client.get("/app/embedding/").data)
    response = client.post("/app/embedding/", data={"csrf_token": token, "storefront_origin": typed})
    assert response.status_code == 422
    assert "storefront_origin: " in response.get_data(as_text=True) and problem in response.get_data(as_text=True)
    with rt.sessions() as session:
        assert "customer_page_frame_origin" not in session.get(Shop, shops["shopify"].id).settings
    assert _frames(client.get("/r/kaolate-demo.myshopify.com")) == NOBODY


def test_an_origin_keeps_only_scheme_host_and_a_port_other_than_443():
    assert https_origin(" https://Shop.Example.com:443/ ") == "https://shop.example.com"
    assert https_origin("https://shop.example.com:8443") == "https://shop.example.com:8443"


def test_with_an_https_address_only_a_shopify_session_is_samesite_none(rt, shops):
    client = _app(rt, "https://returnkit.example.com").test_client()
    cookie = client.get(f"/app/login/{_token(shops['shopify'].id)}").headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
    cookie = client.get(f"/app/login/{_token(shops['woocommerce'].id)}").headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "Secure" in cookie


def _token(shop_id: int) -> str:
    from integration.db.base import session_signing_key
    from integration.web.auth import login_token
    return login_token(session_signing_key(), shop_id)


def test_a_shop_with_a_storefront_named_keeps_its_settings_pages_unframeable_by_it(client, rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["woocommerce"].id).settings = {"customer_page_frame_origin": "https://shop.example.com"}
    sign_in(client, shops["woocommerce"].id)
    assert _frames(client.get("/app/")) == NOBODY
