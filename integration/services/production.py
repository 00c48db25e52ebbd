"""When did production start? Each shop says which order tag, status or meta key signals it."""
from __future__ import annotations

from integration.db.models import Shop

# What the seed merchants' workflows would use out of the box; a shop overrides it in its settings
# as {"production_signals": ["printing", ...]}. Shopify: an order tag. WooCommerce: a custom order
# status or an order meta key set by the production workflow. A shipment always implies it too.
DEFAULT_SIGNALS = {
    "shopify": ("in-production", "production-started", "printing"),
    "woocommerce": ("production", "in-production", "printing", "_production_started"),
}


def production_signals(shop: Shop) -> tuple[str, ...]:
    """The words that mean "production started" for this shop."""
    configured = (shop.settings or {}).get("production_signals")
    return tuple(configured) if configured else DEFAULT_SIGNALS.get(shop.platform, ())


def production_signalled(shop: Shop, signals: tuple[str, ...]) -> bool:
    """True when any of the order's tags, status or meta keys is one of the shop's signals."""
    wanted = {s.lower() for s in production_signals(shop)}
    return any(s.lower() in wanted for s in signals)
