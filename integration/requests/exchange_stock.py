"""An exchange's stock at decision time: each wanted variant's `exchange_in_stock`, as the platform says now."""
from __future__ import annotations

import logging
from collections.abc import Callable

from adapters.http import PlatformError
from integration.outbox.gateways import platform_gateway

log = logging.getLogger(__name__)
StockOf = Callable[[str, int], "bool | None"]   # (variant id, units) -> in stock, or None when it cannot say
# [(product id, variant id, units)] -> {variant id: in stock}; a variant left out: the platform cannot say
StocksOf = Callable[[list[tuple[str | None, str, int]]], dict[str, bool]]


def with_exchange_stock(request: dict, stock_of: StockOf) -> dict:
    """The request with `exchange_in_stock` filled in for each item that names an `exchange_for` and does not say
    already; left out where the platform cannot tell (the policy then treats it as in stock)."""
    items = request.get("items")
    if not isinstance(items, list) or not any(isinstance(i, dict) and isinstance(i.get("exchange_for"), dict)
                                              for i in items):
        return request
    filled = []
    for item in items:
        want = item.get("exchange_for") if isinstance(item, dict) else None
        if isinstance(want, dict) and "exchange_in_stock" not in item and isinstance(want.get("variant_id"), str):
            units = want.get("quantity") if isinstance(want.get("quantity"), int) else item.get("quantity")
            known = stock_of(want["variant_id"], units if isinstance(units, int) and units > 0 else 1)
            item = item if known is None else {**item, "exchange_in_stock": known}
        filled.append(item)
    return {**request, "items": filled}


def _ask_platform(shop, sessions, settings, question: str, args: tuple, unknown):
    """The shop's gateway's answer to `question`; `unknown` when the platform has no such question or fails (a page
    or a decision is never held up by a stock question)."""
    try:
        ask = getattr(platform_gateway(shop, sessions, settings), question, None)
        return ask(*args) if ask else unknown
    except PlatformError as exc:
        log.warning("exchange.stock-unknown: shop %s: %s", shop.id, str(exc)[:200])
        return unknown


def platform_stock(shop, sessions, settings) -> StockOf:
    """The shop's platform's answer for a variant's stock (None when it cannot say: the decision goes on, and the
    exchange order's own check comes before it is created)."""
    return lambda variant_id, units: _ask_platform(shop, sessions, settings, "variant_in_stock",
                                                   (variant_id, units), None)


def platform_stocks(shop, sessions, settings) -> StocksOf:
    """Many variants' stock in as few platform questions as it allows (the exchange picker); {} when it cannot say:
    the picker then offers every variant and the decision checks the one picked."""
    return lambda wants: _ask_platform(shop, sessions, settings, "variants_in_stock", (wants,), {}) if wants else {}
