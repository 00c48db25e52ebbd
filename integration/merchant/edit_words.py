"""An order change the customer asks for, as the merchant reads it on Review: the line's title and the variants'
titles from the stored catalogue, never the platform's line or variant ids."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.orders.catalog import find_product, variant_title

GONE_LINE = "an item no longer on the order"


@dataclass(frozen=True)
class EditWords:
    """The changed line's title, its variant now (None when not known) and the variant asked for."""
    line: str
    now: str | None
    wanted: str | None


def _bare(variant_id: str) -> str:
    """A variant id as the catalogue stores it ("gid://shopify/ProductVariant/8003" → "8003")."""
    return str(variant_id).rsplit("/", 1)[-1]


class EditNamer:
    """Names an edit's line and variants in one shop's catalogue."""

    def __init__(self, session: Session, shop: Shop):
        self.session, self.shop = session, shop

    def __call__(self, order: Order, edit: dict) -> EditWords:
        """The edit's line and variants in words."""
        line = next((ln for ln in order.lines if ln.line_id == str(edit.get("line_item_id"))), None)
        if line is None:
            return EditWords(GONE_LINE, None, self._wanted(None, edit))
        product = find_product(self.session, self.shop, line.product_id) if line.product_id else None
        now = variant_title(product, _bare(line.variant_id), sku=False) if line.variant_id else None
        return EditWords(line.title, now, self._wanted(product, edit))

    def _wanted(self, product, edit: dict) -> str | None:
        wanted = edit.get("variant_id")
        return (variant_title(product, _bare(wanted)) or "a variant not in the stored catalogue") if wanted else None
