"""The per-shop product cache: order payloads carry no product tags or types, so we keep them here."""
from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order, Product
from integration.domain import events as ev

log = logging.getLogger(__name__)
ProductFetcher = Callable[[Shop, str], "ev.ProductSeen | None"]


def find_product(session: Session, shop: Shop, product_id: str) -> Product | None:
    """The shop's cached product (never another shop's)."""
    return session.scalar(select(Product).where(Product.shop_id == shop.id, Product.product_id == product_id))


def apply_product_seen(session: Session, shop: Shop, event: ev.ProductSeen) -> None:
    """Cache the product's tags, type and variants, unless the event is older than what we hold."""
    row = find_product(session, shop, event.product_id)
    if row is None:
        row = Product(shop_id=shop.id, product_id=event.product_id)
        session.add(row)
    elif row.platform_updated_at and event.updated_at and row.platform_updated_at > event.updated_at:
        return
    row.title, row.product_type, row.tags = event.title, event.product_type, list(event.tags)
    row.variants = [list(v) for v in event.variants]
    row.platform_updated_at, row.deleted = event.updated_at, False


def apply_product_deleted(session: Session, shop: Shop, event: ev.ProductDeleted) -> None:
    """Keep the deleted product's tags: past orders still need their item classes."""
    row = find_product(session, shop, event.product_id)
    if row is not None:
        row.deleted = True


def fill_missing_products(session: Session, shop: Shop, order: Order, fetch: ProductFetcher | None) -> None:
    """Fetch through the platform API every product of the order the cache does not hold yet."""
    wanted = {line.product_id for line in order.lines if line.product_id}
    for product_id in sorted(wanted):
        if find_product(session, shop, product_id) is not None or fetch is None:
            continue
        try:
            seen = fetch(shop, product_id)
        except Exception as exc:  # a platform outage must not lose the delivery; the cache fills later
            log.warning("catalog.fetch-failed: shop %s product %s: %s", shop.id, product_id, type(exc).__name__)
            continue
        if seen is not None:
            apply_product_seen(session, shop, seen)


CATALOG_HANDLERS = {ev.ProductSeen: apply_product_seen, ev.ProductDeleted: apply_product_deleted}
