"""A refund's id as the order picture stores it, so a refund returnkit made and the platform's record of it match."""
from __future__ import annotations


def refund_key(refund_id) -> str:
    """Shopify's GraphQL gid://shopify/Refund/7 is the webhook's 7; WooCommerce's 41 stays 41; none is ''."""
    return str(refund_id or "").rsplit("/", 1)[-1]
