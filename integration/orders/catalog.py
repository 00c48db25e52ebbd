"""The per-shop product cache: order payloads carry no product tags or types, so we keep them here."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order, Product
from integration.domain import events as ev

log = logging.getLogger(__name__)
ProductFetcher = Callable[[Shop, str], "ev.ProductSeen | None"]
MAX_IMAGE_URL = 2048
# Whitespace, controls, quotes and angle brackets: a real CDN URL has none of them percent-unencoded.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\`]")


def find_product(session: Session, shop: Shop, product_id: str) -> Product | None:
    """The shop's cached product (never another shop's)."""
    return session.scalar(select(Product).where(Product.shop_id == shop.id, Product.product_id == product_id))


def apply_product_seen(session: Session, shop: Shop, event: ev.ProductSeen) -> None:
    """Cache the product's tags, type, variants and looks, unless the event is older than what we hold."""
    row = find_product(session, shop, event.product_id)
    if row is None:
        row = Product(shop_id=shop.id, product_id=event.product_id)
        session.add(row)
    elif row.platform_updated_at and event.updated_at and row.platform_updated_at > event.updated_at:
        return
    row.title, row.product_type, row.tags = event.title, event.product_type, list(event.tags)
    row.variants = [list(v) for v in event.variants]
    # Longer than the column holds: no picture rather than a failed write (no page could show it anyway).
    row.image_url = event.image_url if event.image_url and len(event.image_url) <= MAX_IMAGE_URL else None
    row.looks = _merged_looks(row, event)
    row.platform_updated_at, row.deleted = event.updated_at, False


def _merged_looks(row: Product, event: ev.ProductSeen) -> dict:
    """The event's variant looks; a variant it says nothing about keeps the one held (WooCommerce's product webhook
    lists its variations by id only: their titles come from the product fetch)."""
    held, looks = row.looks or {}, {vid: [title, image] for vid, title, image in event.looks}
    return {**{vid: held[vid] for vid, *_ in event.variants if vid in held and vid not in looks}, **looks}


def _needs_fetch(row: Product | None) -> bool:
    """Not held yet, or a variant of several has no look (a row from before 0017, a WooCommerce webhook's)."""
    if row is None:
        return True
    looks = row.looks or {}
    return not row.deleted and len(row.variants) > 1 and any(str(v[0]) not in looks for v in row.variants)


def variant_title(product: Product | None, variant_id: str, sku: bool = True) -> str | None:
    """The variant's title for a customer ("Size: M"), else (with `sku`) its SKU as a row from before 0017 has."""
    if product is None:
        return None
    look = (product.looks or {}).get(str(variant_id))
    if look and look[0]:
        return look[0]
    return next((v[1] for v in product.variants if str(v[0]) == str(variant_id)), None) if sku else None


def https_image(url: str | None) -> str | None:
    """The URL if a page may show it: https to a host, nothing that could break out of an attribute."""
    if not isinstance(url, str) or len(url) > MAX_IMAGE_URL or _UNSAFE.search(url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme == "https" and parts.netloc else None


def variant_image(product: Product | None, variant_id: str | None, own: bool = False) -> str | None:
    """The variant's own picture, else (unless `own`) the product's; https only (never javascript:, data:, http:)."""
    if product is None:
        return None
    look = (product.looks or {}).get(str(variant_id)) if variant_id is not None else None
    mine = https_image(look[1] if look and look[1] else None)
    return mine if own else mine or https_image(product.image_url)


def apply_product_deleted(session: Session, shop: Shop, event: ev.ProductDeleted) -> None:
    """Keep the deleted product's tags: past orders still need their item classes."""
    row = find_product(session, shop, event.product_id)
    if row is not None:
        row.deleted = True


def fill_missing_products(session: Session, shop: Shop, order: Order, fetch: ProductFetcher | None) -> None:
    """Fetch through the platform API every product of the order the cache does not hold yet, or holds without
    its variants' titles."""
    wanted = {line.product_id for line in order.lines if line.product_id}
    for product_id in sorted(wanted):
        if fetch is None or not _needs_fetch(find_product(session, shop, product_id)):
            continue
        try:
            seen = fetch(shop, product_id)
        except Exception as exc:  # a platform outage must not lose the delivery; the cache fills later
            log.warning("catalog.fetch-failed: shop %s product %s: %s", shop.id, product_id, type(exc).__name__)
            continue
        if seen is not None:
            apply_product_seen(session, shop, seen)


CATALOG_HANDLERS = {ev.ProductSeen: apply_product_seen, ev.ProductDeleted: apply_product_deleted}
