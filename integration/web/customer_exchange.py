"""The exchange picker: each line's other variants (size, colour) from the stored catalogue by their titles, in stock
where the platform can say so, and each line's picture and own variant for the customer's page."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from integration.db.order_models import Product
from integration.orders.catalog import variant_image, variant_title

# The choices' stock is one platform question (Shopify: up to 250 variants; WooCommerce: one per product): past this
# many choices the form offers them all and the decision's own stock check (integration/requests/exchange_stock.py)
# settles the one picked, so a big catalogue never slows the page.
MAX_STOCK_CHOICES = 100
StocksOf = Callable[[list[tuple["str | None", str, int]]], dict[str, bool]]


class Choice(tuple):
    """A variant the customer may pick: unpacks as (variant id, label) like any choice; its picture beside."""

    image: str | None

    def __new__(cls, variant: str, label: str, image: str | None = None):
        choice = super().__new__(cls, (variant, label))
        choice.image = image
        return choice


@dataclass(frozen=True)
class LineLook:
    image: str | None     # https only, from the catalogue
    alt: str              # the product's title
    variant: str | None   # the line's own variant as the customer knows it ("Size: M"), marked as theirs


class Choices(dict):
    """Per line, its Choice list; `looks` per line: its picture and its own variant's title."""

    looks: dict[str, LineLook]


def products_of(db, shop_id: int, order) -> dict[str, Product]:
    """The stored catalogue's products of the order's lines, deleted ones too (past orders keep their pictures)."""
    ids = {line.product_id for line in order.lines if line.product_id}
    if not ids:
        return {}
    return {p.product_id: p for p in db.scalars(select(Product).where(Product.shop_id == shop_id,
                                                                      Product.product_id.in_(ids)))}


def line_looks(order, products: dict[str, Product]) -> dict[str, LineLook]:
    """Each line's picture (alt: the product's title) and its own variant's title, where the catalogue knows them."""
    out = {}
    for line in order.lines:
        product = products.get(line.product_id)
        own = variant_title(product, line.variant_id, sku=False) if line.variant_id else None
        alt = product.title if product is not None and product.title else line.title
        out[line.line_id] = LineLook(variant_image(product, line.variant_id), alt, own)
    return out


def exchange_choices(db, shop, order, stocks_of: StocksOf | None = None) -> Choices:
    """Per line, the other variants of its product the customer may exchange it for (the stored catalogue's, by
    title, else SKU); with `stocks_of`, those the platform says are out of stock are left out (one question)."""
    every = products_of(db, shop.id, order)
    products = {pid: p for pid, p in every.items() if not p.deleted}
    out = Choices()
    for line in order.lines:
        product = products.get(line.product_id)
        variants = product.variants if product is not None else []
        out[line.line_id] = [Choice(str(v[0]), variant_title(product, v[0]) or str(v[0]),
                                    variant_image(product, v[0], own=True))
                             for v in variants if str(v[0]) != str(line.variant_id)]
    if stocks_of is not None and sum(len(choices) for choices in out.values()) <= MAX_STOCK_CHOICES:
        _keep_in_stock(out, order, stocks_of)
    out.looks = line_looks(order, every)
    return out


def _keep_in_stock(choices: Choices, order, stocks_of: StocksOf) -> None:
    """Leave out the choices the platform says cannot be sold (one unit each); unanswered ones stay."""
    products = {line.line_id: line.product_id for line in order.lines}
    known = stocks_of([(products.get(line_id), c[0], 1) for line_id, line in choices.items() for c in line])
    for line_id, line in choices.items():
        choices[line_id] = [c for c in line if known.get(c[0]) is not False]
