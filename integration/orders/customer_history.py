"""The customer's history at one shop, counted by returnkit: their requests, and the money refunded to them, in the
365 days before a request. Requests come through both channels: returnkit's own (ReturnCase) and the returns the
platform reported (ReturnRequest, e.g. made in Shopify's admin), each request counted once."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain.actions import ActionKind
from integration.money import format_amount

PERIOD = timedelta(days=365)


def same_customer_orders(session: Session, shop: Shop, order: Order) -> list[Order]:
    """The shop's orders by the order's customer (same customer id or email hash), this one included; none when
    the order names no customer. Another shop's orders never count: tenants are isolated."""
    keys = [column == value for column, value in ((Order.customer_ref, order.customer_ref),
                                                  (Order.customer_email_hash, order.customer_email_hash)) if value]
    if not keys:
        return []
    return list(session.scalars(select(Order).where(Order.shop_id == shop.id, or_(*keys))))


def _return_key(return_id: object) -> str:
    """A platform return id without its gid prefix ('gid://shopify/Return/7' and '7' are the same return)."""
    return str(return_id).rsplit("/", 1)[-1]


def _returns_of(session: Session, cases: list[ReturnCase]) -> set[str]:
    """The platform returns that are returnkit requests already: taken from the platform, or opened by us."""
    known = {_return_key(c.source_ref) for c in cases if c.source == "shopify_return"}
    opened = session.scalars(select(Action.result).join(Decision, Action.decision_pk == Decision.id).where(
        Decision.case_pk.in_([c.id for c in cases]), Action.kind == ActionKind.CREATE_RETURN.value))
    return known | {_return_key(r["return"]) for r in opened if r and r.get("return")}


def requests_before(session: Session, orders: list[Order], at: datetime, case_pk: int | None) -> int:
    """Requests in the PERIOD before `at`: returnkit's own (but `case_pk`, the one being decided) and the platform's
    other returns (their time is the platform's last update of them, else their order's placing)."""
    since = at - PERIOD
    cases = list(session.scalars(select(ReturnCase).where(ReturnCase.order_pk.in_([o.id for o in orders]))))
    ours = sum(1 for c in cases if c.id != case_pk and since <= c.created_at < at)
    known = _returns_of(session, cases)
    theirs = sum(1 for o in orders for r in o.returns if _return_key(r.return_id) not in known
                 and since <= (r.platform_updated_at or o.placed_at) < at)
    return ours + theirs


def refunded_before(orders: list[Order], currency: str, at: datetime) -> Decimal:
    """Money refunded in the PERIOD before `at` on the orders in `currency` (others cannot be added up)."""
    since = at - PERIOD
    return sum((r.amount for o in orders if o.currency == currency for r in o.refunds if since <= r.created_at < at),
               Decimal(0))


def history(session: Session, shop: Shop, order: Order, at: datetime, case_pk: int | None = None) -> dict:
    """The contract's customer counts for a request at `at` on `order`; empty when the order names no customer."""
    orders = same_customer_orders(session, shop, order)
    if not orders:
        return {}
    refunded = refunded_before(orders, order.currency, at)
    return {"requests_last_365_days": requests_before(session, orders, at, case_pk),
            "refunded_last_365_days": format_amount(refunded, order.currency)}


def _instant(value: object) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def add_history(session: Session, shop: Shop, order: Order, case: dict, case_pk: int | None) -> None:
    """Merge the customer's counts into the case's `order.customer` (tags and orders count, if any, are kept); a
    request without a valid submitted_at is left for the case's validation to name."""
    request = case.get("request")
    at = _instant(request.get("submitted_at")) if isinstance(request, dict) else None
    counts = history(session, shop, order, at, case_pk) if at else {}
    if counts:
        case["order"]["customer"] = {**case["order"].get("customer", {}), **counts}
