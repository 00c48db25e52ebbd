"""The top of the merchant's order page: who bought what, when it was placed, shipped and delivered, what was paid
and refunded, and the order's requests with where each stands; dates in the shop's zone."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from adapters.registry import ADAPTERS
from integration.db.models import Shop
from integration.db.order_models import Order, Product
from integration.db.request_models import ReturnCase
from integration.merchant.review_queue import (REASON_LABELS, TYPE_LABELS, item_words, masked_email, order_label,
                                               shop_date)
from integration.money import format_amount
from integration.orders.as_case import shop_zone
from integration.orders.catalog import variant_image
from integration.requests.platform_decisions import decided_on_platform
from integration.requests.review import WAITING, awaits_inspection

_STATUS = {"needs_review": "waiting for your decision", "needs_evidence": "waiting for the customer's evidence",
           "approved": "approved", "denied": "denied"}
_PLATFORM_WORDS = {"approved": "approved", "denied": "declined"}


@dataclass(frozen=True)
class Item:
    title: str
    quantity: int
    price: str
    image: str | None   # the variant's or product's https picture from the catalog; else the page shows a placeholder


@dataclass(frozen=True)
class RequestLine:
    case_id: int
    words: str          # "Return: Defective — Organic tee × 1"
    status: str         # "waiting for your decision", "approved in Shopify", ...
    open: bool


@dataclass(frozen=True)
class Summary:
    label: str
    customer: str
    items: list[Item]
    dates: list[tuple[str, str]]   # (what, "6 Dec 2026"), for placed, shipped and delivered
    paid: str
    refunded: str
    requests: list[RequestLine]

    @property
    def open_requests(self) -> int:
        return sum(1 for line in self.requests if line.open)


def request_status(case: ReturnCase, platform_title: str) -> tuple[str, bool]:
    """Where a request stands in the merchant's words, and whether it is still open."""
    latest = case.decisions[-1] if case.decisions else None
    if latest is None:
        return "received, not decided yet", True
    if decided_on_platform(latest.document):
        return f"{_PLATFORM_WORDS.get(latest.outcome, latest.outcome)} in {platform_title}", False
    if awaits_inspection(case):
        return "approved, waiting for the inspection", True
    return _STATUS.get(latest.outcome, latest.outcome.replace("_", " ")), latest.outcome in WAITING


def _delivered_at(order: Order):
    if order.delivered_at:
        return order.delivered_at
    shipped = [line.delivered_at for line in order.lines if line.requires_shipping is not False]
    return max(shipped) if shipped and all(shipped) else None


def _items(session: Session, shop: Shop, order: Order) -> list[Item]:
    ids = {line.product_id for line in order.lines if line.product_id}
    products = {p.product_id: p for p in session.scalars(select(Product).where(
        Product.shop_id == shop.id, Product.product_id.in_(ids)))} if ids else {}
    return [Item(line.title, line.quantity, f"{format_amount(line.unit_price, order.currency)} {order.currency}",
                 variant_image(products.get(line.product_id), line.variant_id)) for line in order.lines]


def _requests(session: Session, shop: Shop, order: Order) -> list[RequestLine]:
    cases = session.scalars(select(ReturnCase).where(ReturnCase.shop_id == shop.id, ReturnCase.order_pk == order.id)
                            .options(selectinload(ReturnCase.decisions)).order_by(ReturnCase.id)).all()
    title, out = ADAPTERS[shop.platform].title, []
    for case in cases:
        request = case.request
        kind = TYPE_LABELS.get(request.get("type"), "Request")
        reason = REASON_LABELS.get(request.get("reason"))
        words = f"{kind}{': ' + reason if reason else ''} — {', '.join(item_words(order, request.get('items') or []))}"
        status, still_open = request_status(case, title)
        out.append(RequestLine(case.id, words, status, still_open))
    return out


def order_summary(session: Session, shop: Shop, order: Order) -> Summary:
    """The order's summary for the top of its page."""
    zone, money = shop_zone(session, shop), (lambda amount: f"{format_amount(amount, order.currency)} {order.currency}")
    paid = order.amount_paid if order.amount_paid is not None else order.total_price
    dates = [("Placed", shop_date(order.placed_at, zone)), ("Shipped", shop_date(order.shipped_at, zone)),
             ("Delivered", shop_date(_delivered_at(order), zone))]
    return Summary(order_label(order), masked_email(order.customer_email) or "Not known",
                   _items(session, shop, order), [(what, when or "not yet") for what, when in dates],
                   money(paid) if paid is not None else "not reported by the platform",
                   money(order.refunded_total or Decimal(0)), _requests(session, shop, order))
