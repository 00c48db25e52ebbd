"""The home page tells the merchant when webhooks could not be repaired, and when the store was last swept."""
import pytest

from integration.app import create_app
from tests.inbox.test_sweep import _hooks, shopify, sweep, woo  # noqa: F401  (the emulator fixtures)
from tests.web_helpers import sign_in


@pytest.fixture()
def web(rt, shops):
    return create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None).test_client()


def test_an_unrepairable_webhook_shows_on_the_home_page_with_the_last_sweep(web, rt, shops, woo):
    sign_in(web, shops["woocommerce"].id)
    assert b"Not checked against your store yet" in web.get("/app/").data
    sweep(rt, shops, "woocommerce")
    page = web.get("/app/").data.decode()
    assert "Last checked against your store" in page and "not working" not in page
    remote_id = int(_hooks(rt, shops["woocommerce"].id)["order.updated"][0])
    woo.auth.webhooks[remote_id]["status"] = "disabled"
    woo.auth.permissions = "read"
    sweep(rt, shops, "woocommerce")
    page = web.get("/app/").data.decode()
    assert 'role="alert"' in page and "<li>WooCommerce: order updated: switched off</li>" in page and "HTTP 401" in page


def test_another_shops_webhook_problem_is_not_shown(web, rt, shops, woo):
    sweep(rt, shops, "woocommerce")
    remote_id = int(_hooks(rt, shops["woocommerce"].id)["order.updated"][0])
    woo.auth.webhooks[remote_id]["status"] = "disabled"
    woo.auth.permissions = "read"
    sweep(rt, shops, "woocommerce")
    sign_in(web, shops["shopify"].id)
    page = web.get("/app/").data.decode()
    assert "not working" not in page and "order.updated" not in page


def test_a_shopify_subscription_shopify_refuses_shows_on_the_home_page(web, rt, shops, shopify):
    refusal = {"webhookSubscription": None,
               "userErrors": [{"field": ["webhookSubscription", "uri"], "message": "Address is not allowed"}]}
    shopify.state.webhookSubscriptionCreate = lambda _args: refusal
    report = sweep(rt, shops)
    assert report.error is None
    sign_in(web, shops["shopify"].id)
    page = web.get("/app/").data.decode()
    assert 'role="alert"' in page and "Shopify would not recreate" in page and "orders/updated" in page
