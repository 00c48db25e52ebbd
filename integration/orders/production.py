"""When did production start? Each shop says which order tag, status or meta key signals it (its platform's
adapter has the defaults, as {"production_signals": [...]} in the shop's settings overrides them)."""
from __future__ import annotations

from adapters.registry import ADAPTERS
from integration.db.models import Shop

def production_signals(shop: Shop) -> tuple[str, ...]:
    """The words that mean "production started" for this shop."""
    configured = (shop.settings or {}).get("production_signals")
    return tuple(configured) if configured else ADAPTERS[shop.platform].default_production_signals


def production_signalled(shop: Shop, signals: tuple[str, ...]) -> bool:
    """True when any of the order's tags, status or meta keys is one of the shop's signals."""
    wanted = {s.lower() for s in production_signals(shop)}
    return any(s.lower() in wanted for s in signals)
