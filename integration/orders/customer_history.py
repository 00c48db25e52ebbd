"""The customer's history at one shop, counted by returnkit: their requests, and the money refunded to them, in the
365 days before a request. Requests come through both channels: returnkit's own (ReturnCase) and the returns the
platform reported (ReturnRequest, e.g. made in Shopify's admin), each request counted once."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order, OrderRefund, ReturnRequest
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain.actions import ActionKind
from integration.money import format_amount

PERIOD = timedelta(days=365)


def same_customer_orders(shop: Shop, order: Order) -> Select | None:
    """The ids of the shop's orders by the order's customer (same customer id or email hash), this one included, as
    a subquery; None when the order names no customer. Another shop's orders never count: tenants are isolated."""
    keys = [column == value for column, value in ((Order.customer_ref, order.customer_ref),
                                                  (Order.customer_email_hash, order.customer_email_hash)) if value]
    return select(Order.id).where(Order.shop_id == shop.id, or_(*keys)) if keys else None


def _return_key(return_id: object) -> str:
    """A platform return id without its gid prefix ('gid://shopify/Return/7' and '7' are the same return)."""
    return str(return_id).rsplit("/", 1)[-1]


def _returns_of(session: Session, orders: Select) -> set[str]:
    """The platform returns that are returnkit requests already: taken from the platform, or opened by us."""
    known = session.scalars(select(ReturnCase.source_ref).where(
        ReturnCase.order_pk.in_(orders), ReturnCase.source == "shopify_return"))
    opened = session.scalars(select(Action.result).join(Decision, Action.decision_pk == Decision.id)
                             .join(ReturnCase, Decision.case_pk == ReturnCase.id).where(
        ReturnCase.order_pk.in_(orders), Action.kind == ActionKind.CREATE_RETURN.value))
    return {_return_key(r) for r in known} | {_return_key(r["return"]) for r in opened if r and r.get("return")}


def requests_before(session: Session, orders: Select, at: datetime, case_pk: int | None) -> int:
    """Requests in the PERIOD before `at`: returnkit's own (but `case_pk`, the one being decided) and the platform's
    other returns (their time is the platform's last update of them, else their order's placing). Counted in the
    database: a customer with hundreds of orders costs three queries, not a load of each order."""
    since = at - PERIOD
    ours = session.scalar(select(func.count(ReturnCase.id)).where(
        ReturnCase.order_pk.in_(orders), ReturnCase.created_at >= since, ReturnCase.created_at < at,
        ReturnCase.id != (case_pk or 0)))
    when = func.coalesce(ReturnRequest.platform_updated_at, Order.placed_at)
    theirs = list(session.scalars(select(ReturnRequest.return_id).join(Order, ReturnRequest.order_pk == Order.id)
                                  .where(ReturnRequest.order_pk.in_(orders), when >= since, when < at)))
    known = _returns_of(session, orders) if theirs else set()
    return ours + sum(1 for r in theirs if _return_key(r) not in known)


def refunded_before(session: Session, orders: Select, currency: str, at: datetime) -> Decimal:
    """Money refunded in the PERIOD before `at` on the orders in `currency` (others cannot be added up); added up
    here, as Decimals, since SQLite would sum the amounts as floats."""
    amounts = session.scalars(select(OrderRefund.amount).join(Order, OrderRefund.order_pk == Order.id).where(
        OrderRefund.order_pk.in_(orders), Order.currency == currency,
        OrderRefund.created_at >= at - PERIOD, OrderRefund.created_at < at))
    return sum(amounts, Decimal(0))


def history(session: Session, shop: Shop, order: Order, at: datetime, case_pk: int | None = None) -> dict:
    """The contract's customer counts for a request at `at` on `order`; empty when the order names no customer."""
    orders = same_customer_orders(shop, order)
    if orders is None:
        return {}
    refunded = refunded_before(session, orders, order.currency, at)
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
