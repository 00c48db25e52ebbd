"""The platform's own id of a shop, kept in shop.settings: compliance deliveries must name it (inbox/topic_checks.py).

Shopify's is the numeric id of the Shop (`shop { id }`), asked for at install and at token exchange, so shop/redact,
customers/redact and customers/data_request are checked against it from the first delivery. WooCommerce has none
to keep: its webhooks name the store only by URL (X-WC-Webhook-Source, which the shop is known by already) and carry
no store id, it sends no compliance topics, and each of its webhooks is signed with a secret of its own, so a body
signed for one store is not valid for another.
"""
from __future__ import annotations

from integration.db.models import Shop

PLATFORM_ID = "platform_shop_id"


def platform_id(shop: Shop) -> str:
    """The shop's id on its platform as text, or '' when it is not known yet."""
    return str((shop.settings or {}).get(PLATFORM_ID) or "")


def remember_platform_id(shop: Shop, value: str) -> None:
    """Keep the platform's id of the shop (it never changes, so a later answer only repeats it)."""
    shop.settings = {**(shop.settings or {}), PLATFORM_ID: str(value)}
