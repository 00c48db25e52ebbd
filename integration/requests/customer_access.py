"""A customer proves an order is theirs with its number and email (matched against a keyed hash)."""
from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.registry import ADAPTERS
from integration.db.base import email_fingerprint
from integration.db.models import Shop
from integration.db.order_models import Order


def public_slug(shop: Shop) -> str:
    """The shop's name in its public request page's address (its platform says how to write it)."""
    return ADAPTERS[shop.platform].public_slug(shop.domain)


def shop_by_slug(session: Session, slug: str) -> Shop | None:
    """The active shop whose public page this is, or None."""
    slug = slug.strip().lower()
    host = slug.replace("~", "/")
    domains = [slug, f"https://{host}", f"http://{host}"]
    return session.scalar(select(Shop).where(Shop.domain.in_(domains), Shop.status == "active").order_by(Shop.id))


def customer_order(session: Session, shop: Shop, number: str, email: str | None) -> Order | None:
    """The shop's order with this number whose buyer's email matches; None when either does not."""
    fingerprint = email_fingerprint(email)
    wanted = str(number or "").strip().lstrip("#")
    if not wanted or fingerprint is None:
        return None
    order = session.scalar(select(Order).where(Order.shop_id == shop.id, Order.number == wanted,
                                               Order.deleted.is_(False)))
    if order is None or not order.customer_email_hash:
        return None
    return order if hmac.compare_digest(order.customer_email_hash, fingerprint) else None
