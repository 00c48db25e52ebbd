"""The customer's history returnkit counts for a case: requests through both channels and refunds, one shop only."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from integration.contract.case_schema import load_case
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine, OrderRefund, ReturnRequest
from integration.db.request_models import Action, Decision, ReturnCase
from integration.orders.as_case import decision_case
from integration.orders.customer_history import add_history, history

AT = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
REQUEST = {"type": "return", "submitted_at": "2026-06-01T07:00:00-05:00"}   # AT, in Chicago


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _order(session, shop, order_id, email_hash="buyer", ref=None, currency="USD") -> Order:
    order = Order(shop_id=shop.id, order_id=order_id, currency=currency, placed_at=_at("2026-01-05T10:00:00"),
                  platform_updated_at=_at("2026-01-05T10:00:00"), tags=[], customer_email_hash=email_hash,
                  customer_ref=ref, shipping_paid=Decimal(0), shipping_tax=Decimal(0),
                  lines=[OrderLine(line_id="1", title="Tee", quantity=1, unit_price=Decimal("20.00"))])
    session.add(order)
    session.flush()
    return order


def _case(session, order, ref, created, source="api") -> ReturnCase:
    case = ReturnCase(shop_id=order.shop_id, order_pk=order.id, source=source, source_ref=ref,
                      request={"type": "return"}, created_at=_at(created))
    session.add(case)
    session.flush()
    return case


def _platform_return(order, return_id, updated):
    order.returns.append(ReturnRequest(return_id=return_id, status="open", platform_updated_at=_at(updated)))


def _refund(order, refund_id, amount, created):
    order.refunds.append(OrderRefund(refund_id=refund_id, amount=Decimal(amount), created_at=_at(created)))


def _opened_by_us(session, shop, case, return_gid):
    decision = Decision(case_pk=case.id, policy_version_id=shop.policy_version_id, outcome="approved",
                        document={}, decided_by="policy")
    session.add(decision)
    session.flush()
    session.add(Action(shop_id=shop.id, decision_pk=decision.id, kind="create_return", payload={},
                       idempotency_key=f"k-{case.id}", state="succeeded", result={"return": return_gid}))


@pytest.fixture()
def story(rt, shops):
    """The buyer's orders at the Shopify shop, a stranger's there, and the same buyer's at the WooCommerce shop."""
    with transaction(rt.sessions) as session:
        shop, other_shop = session.get(Shop, shops["shopify"].id), session.get(Shop, shops["woocommerce"].id)
        this, earlier = _order(session, shop, "A", ref="cust-9"), _order(session, shop, "B", ref="cust-9")
        by_ref_only = _order(session, shop, "C", email_hash=None, ref="cust-9")
        _case(session, earlier, "r1", "2026-05-01T00:00:00")                 # returnkit request: counts
        _case(session, earlier, "r0", "2025-05-31T00:00:00")                 # more than 365 days before
        theirs = _case(session, earlier, "7001", "2026-03-01T00:00:00", "shopify_return")   # counts once
        _platform_return(earlier, "7001", "2026-03-01T00:00:00")
        _platform_return(by_ref_only, "gid://shopify/Return/7002", "2026-04-01T00:00:00")   # admin return: counts
        ours = _case(session, by_ref_only, "r2", "2026-02-01T00:00:00")      # counts, and its return is ours
        _opened_by_us(session, shop, ours, "gid://shopify/Return/7003")
        _platform_return(by_ref_only, "7003", "2026-02-02T00:00:00")
        _platform_return(this, "7004", "2026-06-02T00:00:00")                # after the request
        _refund(earlier, "f1", "12.50", "2026-05-02T00:00:00")
        _refund(by_ref_only, "f2", "7.25", "2025-12-24T00:00:00")
        _refund(earlier, "f0", "99.00", "2025-04-01T00:00:00")               # too old
        _refund(_order(session, shop, "E", currency="EUR"), "f3", "40.00", "2026-05-02T00:00:00")  # other currency
        stranger = _order(session, shop, "D", email_hash="someone-else")
        _case(session, stranger, "s1", "2026-05-01T00:00:00")
        _refund(stranger, "f4", "5.00", "2026-05-01T00:00:00")
        elsewhere = _order(session, other_shop, "A", email_hash="buyer", ref="cust-9")
        _case(session, elsewhere, "w1", "2026-05-01T00:00:00")
        _refund(elsewhere, "f5", "50.00", "2026-05-01T00:00:00")
        return {"this": this.id, "theirs": theirs.id}


def _history(rt, shops, case_pk=None, at=AT):
    with rt.sessions() as session:
        shop = session.get(Shop, shops["shopify"].id)
        return history(session, shop, session.get(Order, _order_pk(session, shop)), at, case_pk)


def _order_pk(session, shop) -> int:
    return session.query(Order).filter_by(shop_id=shop.id, order_id="A").one().id


def test_requests_count_both_channels_once_each_and_refunds_in_the_orders_currency(rt, shops, story):
    # r1, the platform return 7001 (a returnkit request too), r2 (whose Shopify return 7003 is ours), admin's 7002
    assert _history(rt, shops) == {"requests_last_365_days": 4, "refunded_last_365_days": "19.75"}


def test_the_request_being_decided_is_not_counted(rt, shops, story):
    assert _history(rt, shops, case_pk=story["theirs"])["requests_last_365_days"] == 3


def test_the_period_is_the_365_days_before_the_request(rt, shops, story):
    # r0 (2025-05-31) now counts, r1 and the refund of 2026-05-02 are after; the refund of 2025-04-01 is too old
    assert _history(rt, shops, at=_at("2026-04-15T00:00:00")) == {"requests_last_365_days": 4,
                                                                   "refunded_last_365_days": "7.25"}


def test_an_order_without_a_customer_has_no_history(rt, shops, story):
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        order = _order(session, shop, "G", email_hash=None)
        assert history(session, shop, order, AT) == {}
        assert "customer" not in decision_case(session, shop, order, REQUEST)["order"]


def test_the_case_carries_the_counts_and_keeps_what_the_platform_said(rt, shops, story):
    with rt.sessions() as session:
        shop = session.get(Shop, shops["shopify"].id)
        order = session.get(Order, story["this"])
        case = decision_case(session, shop, order, {**REQUEST, "items": []})
        assert case["order"]["customer"] == {"requests_last_365_days": 4, "refunded_last_365_days": "19.75"}
        assert load_case(case).order.customer.refunded_last_365_days == Decimal("19.75")
        platform_said = {"request": REQUEST, "order": {"customer": {"tags": ["vip"], "orders_count": 5}}}
        add_history(session, shop, order, platform_said, None)
        assert platform_said["order"]["customer"] == {"tags": ["vip"], "orders_count": 5,
                                                      "requests_last_365_days": 4, "refunded_last_365_days": "19.75"}


def test_a_request_without_a_valid_time_is_left_for_validation(rt, shops, story):
    with rt.sessions() as session:
        shop = session.get(Shop, shops["shopify"].id)
        case = {"request": {"type": "return", "submitted_at": "yesterday"}, "order": {}}
        add_history(session, shop, session.get(Order, story["this"]), case, None)
        assert case["order"] == {}


def _statements_for_history(rt, shop_id: int, order_pk: int) -> int:
    from sqlalchemy import event
    seen = []
    with rt.sessions() as session:
        shop, order = session.get(Shop, shop_id), session.get(Order, order_pk)
        listener = lambda *args: seen.append(args[2])   # noqa: E731 (statement text)
        event.listen(rt.engine, "before_cursor_execute", listener)
        try:
            history(session, shop, order, AT)
        finally:
            event.remove(rt.engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_count_costs_the_same_few_queries_however_many_orders_the_customer_has(rt, shops, story):
    # A loyal customer (or a bulk buyer) has hundreds of orders: reading each with its returns and refunds made
    # every decision slower than the last (the chaos run's 500 orders by one buyer stalled its worker).
    with rt.sessions() as session:
        shop_id, this = shops["shopify"].id, _order_pk(session, session.get(Shop, shops["shopify"].id))
    few = _statements_for_history(rt, shop_id, this)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        for n in range(40):
            order = _order(session, shop, f"many-{n}")
            _case(session, order, f"m{n}", "2026-05-03T00:00:00")
            _refund(order, f"mf{n}", "1.00", "2026-05-03T00:00:00")
            _platform_return(order, f"80{n}", "2026-05-03T00:00:00")
    assert _statements_for_history(rt, shop_id, this) == few <= 5
    assert _history(rt, shops) == {"requests_last_365_days": 4 + 80, "refunded_last_365_days": "59.75"}


def test_the_history_benchmark_counts_what_it_built():
    from bench import history as bench_history
    report = bench_history.main(20, runs=2)   # 20 earlier orders: a request and an admin return each, 20.00 refunded
    assert report["counts"] == {"requests_last_365_days": 40, "refunded_last_365_days": "400.00"}, report
