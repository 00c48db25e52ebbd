"""The review queue as the merchant reads it: what waits for them, what waits for the customer, each request with
its age, customer, items and amount in plain words, and the filters they narrow it with."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Decision, ReturnCase
from integration.domain.vocabulary import REASONS, REQUEST_TYPES
from integration.merchant.shop_time import shop_date
from integration.orders.as_case import shop_zone
from integration.requests.review import awaiting_inspection, review_queue

REASON_LABELS = {"damaged_in_transit": "Damaged in transit", "defective": "Defective", "wrong_item": "Wrong item",
                 "not_as_described": "Not as described", "changed_mind": "Changed their mind",
                 "ordered_wrong_variant": "Ordered the wrong size or colour",
                 "cosmetic_variation": "Looks different from the photos", "late_delivery": "Arrived late",
                 "other": "Other reason"}
TYPE_LABELS = {"return": "Return", "exchange": "Exchange", "cancellation": "Cancellation", "warranty": "Warranty",
               "edit": "Order change"}
MAX_AGE_FILTER = 3650
# Requests waiting for a decision shown at once: each carries its evidence and the resolutions approving may grant,
# worked out from the policy per request (about 10 ms each), so a backlog of hundreds is read a page at a time.
PAGE_SIZE = 20


def age_words(since: datetime, now: datetime) -> str:
    """How long something has waited: "under a day", "1 day", "3 days"."""
    days = max((now - since).days, 0)
    return "under a day" if days == 0 else f"{days} day" + ("s" if days > 1 else "")


def masked_email(email: str | None) -> str:
    """An email shown in lists without giving it away: "j•••@example.com"."""
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}•••@{domain}"


def order_label(order: Order) -> str:
    """The order as the merchant knows it: its number ("#1001"), else the platform's id."""
    return f"#{(order.number or order.order_id).lstrip('#')}"


def item_words(order: Order, items: list[dict]) -> list[str]:
    """Each requested item as "Organic tee × 2" (the whole order when the request names none)."""
    titles = {line.line_id: line.title for line in order.lines}
    words = [f"{titles.get(str(item['line_item_id']), 'an item no longer on the order')} × {item['quantity']}"
             for item in items]
    return words or ["The whole order"]


def refund_words(document: dict) -> str | None:
    """What the request would pay back if approved ("45.00 USD"), or None when it pays no money."""
    refund = document.get("refund") or {}
    if refund.get("timing", "none") == "none" or not refund.get("total"):
        return None
    return f"{refund['total']} {refund['currency']}"


@dataclass(frozen=True)
class Filters:
    """The queue's filters from the page's query: request type, reason, older than N days, order number text."""
    type: str = ""
    reason: str = ""
    older_than: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.type or self.reason or self.older_than is not None or self.q)


def parse_filters(args) -> tuple[Filters, list[str]]:
    """The filters in a GET query, and a `field: fix` line for each value that cannot be used (then ignored)."""
    errors, kind, reason = [], args.get("type", ""), args.get("reason", "")
    if kind and kind not in REQUEST_TYPES:
        errors.append(f"type: choose one of {', '.join(TYPE_LABELS.values())}")
        kind = ""
    if reason and reason not in REASONS:
        errors.append("reason: choose one of the reasons in the list")
        reason = ""
    raw, older = args.get("older_than", "").strip(), None
    if raw:
        if raw.isdigit() and int(raw) <= MAX_AGE_FILTER:
            older = int(raw)
        else:
            errors.append(f"older_than: give a whole number of days from 0 to {MAX_AGE_FILTER}, such as 3")
    return Filters(kind, reason, older, args.get("q", "").strip().lstrip("#")[:64]), errors


@dataclass(frozen=True)
class Row:
    """One request in the queue, in the merchant's words."""
    case: ReturnCase
    decision: Decision
    order: Order
    order_label: str
    type_label: str
    reason_label: str
    made: str
    age: str
    customer: str
    items: list[str]
    amount: str | None


def _row(case: ReturnCase, decision: Decision, order: Order, zone: tzinfo, now: datetime) -> Row:
    request = case.request
    return Row(case, decision, order, order_label(order), TYPE_LABELS.get(request.get("type"), "Request"),
               REASON_LABELS.get(request.get("reason"), ""), shop_date(case.created_at, zone),
               age_words(case.created_at, now), masked_email(order.customer_email) or "Customer not known",
               item_words(order, request.get("items") or []), refund_words(decision.document))


def _kept(row: Row, filters: Filters, now: datetime) -> bool:
    request = row.case.request
    number = (row.order.number or row.order.order_id).lstrip("#")
    return ((not filters.type or request.get("type") == filters.type)
            and (not filters.reason or request.get("reason") == filters.reason)
            and (filters.older_than is None or now - row.case.created_at > timedelta(days=filters.older_than))
            and (not filters.q or filters.q.lower() in number.lower()))


@dataclass(frozen=True)
class Queue:
    """Waiting for the merchant (review, then inspections) and waiting for the customer (evidence), filtered."""
    for_you: list[Row]
    inspections: list[Row]
    for_customer: list[Row]


def split_queue(session: Session, shop: Shop, filters: Filters = Filters(), now: datetime | None = None) -> Queue:
    """The shop's waiting requests split by who must act next, oldest first, with the filters applied."""
    now, zone = now or utcnow(), shop_zone(session, shop)
    waiting, inspecting = review_queue(session, shop), awaiting_inspection(session, shop)
    orders = _orders_of(session, [case.order_pk for case, _ in waiting + inspecting])

    def rows(pairs) -> list[Row]:
        built = (_row(case, decision, orders[case.order_pk], zone, now) for case, decision in pairs)
        return [row for row in built if _kept(row, filters, now)]

    return Queue(rows(p for p in waiting if p[1].outcome == "needs_review"), rows(inspecting),
                 rows(p for p in waiting if p[1].outcome == "needs_evidence"))


def _orders_of(session: Session, order_pks: list[int]) -> dict[int, Order]:
    """The orders by primary key with their lines, in one query each, not one per waiting request."""
    query = select(Order).where(Order.id.in_(set(order_pks))).options(selectinload(Order.lines))
    return {order.id: order for order in session.scalars(query)} if order_pks else {}


@dataclass(frozen=True)
class Page:
    """One page of a list of rows: its number (from 1), the rows on it and how many there are in all."""
    number: int
    rows: list
    total: int

    @property
    def pages(self) -> int:
        return _page_count(self.total)

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when the list is empty)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _page_count(total: int) -> int:
    return max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def parse_page(args) -> tuple[int, list[str]]:
    """The `page` in a GET query (from 1), and a `field: fix` line when it is not a page number (then page 1)."""
    raw = args.get("page", "").strip()
    if not raw:
        return 1, []
    if raw.isdigit() and 1 <= int(raw) <= 100_000:
        return int(raw), []
    return 1, ["page: give a page number from 1, such as 2"]


def page_of(rows: list[Row], number: int, case_id: int | None = None) -> Page:
    """The page `number` of the rows (the last one when past it); with `case_id`, the page that shows that request
    (the merchant's form on it came back with an error to read)."""
    ids = [row.case.id for row in rows]
    if case_id in ids:
        number = ids.index(case_id) // PAGE_SIZE + 1
    number = min(number, _page_count(len(rows)))
    return Page(number, rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], len(rows))
