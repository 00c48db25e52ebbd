"""The exchange picker: each line's other variants (size, colour) from the stored catalogue, in stock where the
platform can say so."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from integration.db.order_models import Product

# Stock is one platform question per variant: past this many choices the form offers them all and the decision's
# own stock check (integration/requests/exchange_stock.py) settles it, so a big catalogue never slows the page.
MAX_STOCK_QUESTIONS = 12
StockOf = Callable[[str, int], "bool | None"]


def exchange_choices(db, shop, order, stock_of: StockOf | None = None) -> dict[str, list[tuple[str, str]]]:
    """Per line, the other variants of its product the customer may exchange it for (the stored catalogue's);
    with `stock_of`, those the platform says are out of stock are left out."""
    ids = {line.product_id for line in order.lines if line.product_id}
    products = {p.product_id: p for p in db.scalars(select(Product).where(
        Product.shop_id == shop.id, Product.product_id.in_(ids), Product.deleted.is_(False)))}
    out = {}
    for line in order.lines:
        variants = products[line.product_id].variants if line.product_id in products else []
        out[line.line_id] = [(str(v[0]), v[1] or str(v[0])) for v in variants if str(v[0]) != str(line.variant_id)]
    if stock_of is not None and sum(len(choices) for choices in out.values()) <= MAX_STOCK_QUESTIONS:
        out = {line: [c for c in choices if stock_of(c[0], 1) is not False] for line, choices in out.items()}
    return out
