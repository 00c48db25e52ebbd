"""The top of the merchant's order page: who bought what, when it was placed, shipped and delivered, what was paid
and refunded, and the order's requests with where each stands; dates in the shop's zone."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from adapters.registry import ADAPTERS
from integration.db.models import Shop
from integration.db.order_models import Order, Product
from integration.db.request_models import Action, Decision, ReturnCase
from integration.merchant.review_queue import REASON_LABELS, TYPE_LABELS, item_words, masked_email, order_label
from integration.merchant.shop_time import shop_date
from integration.money import format_amount
from integration.orders.as_case import shop_zone
from integration.orders.catalog import variant_image
from integration.orders.refund_ids import refund_key
from integration.requests.platform_decisions import decided_on_platform
from integration.requests.review import WAITING, awaits_inspection

_STATUS = {"needs_review": "waiting for your decision", "needs_evidence": "waiting for the customer's evidence",
           "approved": "approved", "denied": "denied"}
_PLATFORM_WORDS = {"approved": "approved", "denied": "declined"}
# The actions that give money back, and where their result names the refund made and its amount.
_REFUNDING = {"refund": ("refund", "amount"), "cancel_order": ("refund", "amount"),
              "create_exchange": ("difference_refund", "difference_refunded")}


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


def _refunds_made(session: Session, order: Order) -> dict[str, tuple[Decimal, bool]]:
    """returnkit's refunds on the order that succeeded, by refund id as the picture stores it: (amount, to be paid
    by hand). A result naming no refund (a coupon, a cancellation with nothing refunded) gives none."""
    actions = session.scalars(select(Action).join(Decision, Action.decision_pk == Decision.id)
                              .join(ReturnCase, Decision.case_pk == ReturnCase.id)
                              .where(ReturnCase.order_pk == order.id, Action.state == "succeeded",
                                     Action.kind.in_(_REFUNDING)).order_by(Action.id))
    out: dict[str, tuple[Decimal, bool]] = {}
    for action in actions:
        id_field, amount_field = _REFUNDING[action.kind]
        result = action.result or {}
        key = refund_key(result.get(id_field))
        try:
            amount = Decimal(str(result.get(amount_field)))
        except InvalidOperation:
            continue
        if key and amount.is_finite():
            out[key] = (abs(amount), result.get("refund_by_hand") is True)
    return out


def refunded_words(session: Session, order: Order) -> str:
    """What was refunded: the platform's refund records, and returnkit's own refunds not among them yet (Shopify's
    refunds/create late or lost, WooCommerce's order body not sent again), each counted once by its refund id."""
    made = _refunds_made(session, order)
    recorded = {refund_key(r.refund_id) for r in order.refunds}
    pending = sum((amount for key, (amount, _) in made.items() if key not in recorded), Decimal(0))
    by_hand = sum((amount for amount, hand in made.values() if hand), Decimal(0))
    words = _money((order.refunded_total or Decimal(0)) + pending, order.currency)
    if by_hand:
        words += (f" (of which {_money(by_hand, order.currency)} is to be paid by hand: the order's payment method "
                  "cannot send money back)")
    return words


def _money(amount: Decimal, currency: str) -> str:
    return f"{format_amount(amount, currency)} {currency}"


def order_summary(session: Session, shop: Shop, order: Order) -> Summary:
    """The order's summary for the top of its page."""
    zone = shop_zone(session, shop)
    paid = order.amount_paid if order.amount_paid is not None else order.total_price
    dates = [("Placed", shop_date(order.placed_at, zone)), ("Shipped", shop_date(order.shipped_at, zone)),
             ("Delivered", shop_date(_delivered_at(order), zone))]
    return Summary(order_label(order), masked_email(order.customer_email) or "Not known",
                   _items(session, shop, order), [(what, when or "not yet") for what, when in dates],
                   _money(paid, order.currency) if paid is not None else "not reported by the platform",
                   refunded_words(session, order), _requests(session, shop, order))
