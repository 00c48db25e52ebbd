"""No page shows a secret: every settings page a shop can open is scanned for its own credentials."""
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.shops.core import issue_api_key
from tests.orders.test_picture import STORY, replay
from tests.web_helpers import sign_in

SECRETS = {"api_token": "shpat_pagescan0123456789", "easypost_api_key": "EZAKpagescan0123456789",
           "previous_webhook_secret": "whsec-previous-pagescan", "easypost_webhook_secret": "ep-whsec-pagescan"}


def _get_pages(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments and rule.rule.startswith("/app")
                  and "static" not in rule.endpoint and rule.endpoint != "pages.signed_out")


def test_no_settings_page_shows_the_shops_secrets(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY + ["returns_request"])
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        for column, value in SECRETS.items():
            setattr(shop, column, value)
        api_key = issue_api_key(shop)
        webhook_secret = shop.webhook_secret
    sign_in(client, shops["shopify"].id)
    secrets = [*SECRETS.values(), api_key, webhook_secret]
    pages = _get_pages(client.application)
    assert "/app/" in pages and "/app/review/" in pages and "/app/returns/" in pages and len(pages) >= 8
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shops["shopify"].id).limit(1))
    for path in pages + [f"/app/activity/orders/{order_pk}"]:
        page = client.get(path, follow_redirects=True)
        assert page.status_code < 500, path
        text = page.get_data(as_text=True)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} shows a secret"
