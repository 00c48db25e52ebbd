"""Shops installed through the real code paths with distinctive credentials, and what may never hold them."""
from __future__ import annotations

import json

from sqlalchemy import text

from integration.db.base import Base
from integration.db.engine import transaction
from integration.policy.loader import resolve_policy_path
from integration.shops.returns_setup import configure_returns
from integration.shops.core import add_shop, issue_api_key

MARK = "Zq9SENTINEL"
SECRETS = {"shopify_token": f"shpat_{MARK}tok", "shopify_webhook_secret": f"whsec_{MARK}shp",
           "woo_key": f"ck_{MARK}key", "woo_secret": f"cs_{MARK}sec", "woo_webhook_secret": f"whsec_{MARK}woo",
           "easypost_key": f"EZAK{MARK}ep", "refresh": f"shprt_{MARK}ref"}
SHOPIFY, WOO = "secret-shop.myshopify.com", "https://secret-woo.example.com"
ADDRESS = {"name": "Returns", "street1": "1 Main St", "city": "Boulder", "state": "CO", "zip": "80302", "country": "US"}


def install(rt) -> dict:
    """Both shops with every credential set (and a request API key each); returns the API keys."""
    kaolate = resolve_policy_path("kaolate").read_text()
    with transaction(rt.sessions) as session:
        shopify = add_shop(session, platform="shopify", domain=SHOPIFY, policy_text=kaolate,
                           webhook_secret=SECRETS["shopify_webhook_secret"], api_token=SECRETS["shopify_token"])
        shopify.refresh_token = SECRETS["refresh"]
        woo = add_shop(session, platform="woocommerce", domain=WOO, policy_text=kaolate,
                       webhook_secret=SECRETS["woo_webhook_secret"], consumer_key=SECRETS["woo_key"],
                       consumer_secret=SECRETS["woo_secret"])
        configure_returns(shopify, address=ADDRESS, easypost_api_key=SECRETS["easypost_key"])
        return {"shopify": issue_api_key(shopify), "woocommerce": issue_api_key(woo)}


def every_value(rt) -> str:
    """Every column of every row of every table, as one text to search."""
    dump = []
    with rt.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):
                dump.append(json.dumps([bytes(v).decode("latin-1") if isinstance(v, (bytes, memoryview)) else str(v)
                                        for v in row]))
    return "\n".join(dump)


def found(haystack: str, needles) -> list[str]:
    """The needles that occur in the haystack."""
    return [n for n in needles if n in haystack]
