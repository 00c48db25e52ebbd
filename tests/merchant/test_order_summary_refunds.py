"""The order summary's "Refunded": the platform's refund records and returnkit's own succeeded refunds, each refund
counted once by its id, whether or not the platform's record of it has arrived yet."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.domain import events as ev
from integration.merchant.order_summary import order_summary
from integration.orders.picture import apply_refund

PLACED = datetime(2026, 5, 1, 16, 15, tzinfo=timezone.utc)


def _order(rt, shop_id: int, order_id: str, refunded: tuple[tuple[str, str], ...] = ()) -> int:
    """An order paid 120.00 USD, with the platform's refund records `refunded` ((id, amount), lines unknown)."""
    with transaction(rt.sessions) as session:
        order = Order(shop_id=shop_id, order_id=order_id, number="1001", currency="USD", placed_at=PLACED,
                      platform_updated_at=PLACED, total_price=Decimal("120.00"), amount_paid=Decimal("120.00"))
        session.add(order)
        session.flush()
        shop = session.get(Shop, shop_id)
        for refund_id, amount in refunded:
            apply_refund(session, shop, ev.RefundRecorded(order_id, refund_id, Decimal(amount), PLACED))
        return order.id


def _acted(rt, order_pk: int, kind: str, result: dict | None, state: str = "succeeded") -> None:
    """A granted request on the order whose one action ran to `state` with `result`."""
    with transaction(rt.sessions) as session:
        order = session.get(Order, order_pk)
        shop = session.get(Shop, order.shop_id)
        case = ReturnCase(shop_id=shop.id, order_pk=order.id, source="api", source_ref=f"ref-{kind}-{state}",
                          request={"type": "return", "items": []})
        decision = Decision(policy_version_id=shop.policy_version_id, outcome="approved",
                            document={"outcome": "approved", "refund": {"timing": "immediate"}})
        decision.actions.append(Action(shop_id=shop.id, kind=kind, payload={}, state=state, result=result,
                                       idempotency_key=f"{order_pk}-{kind}-{state}"))
        case.decisions.append(decision)
        session.add(case)


def _platform_records(rt, order_pk: int, refund_id: str, amount: str, lines=()) -> None:
    with transaction(rt.sessions) as session:
        order = session.get(Order, order_pk)
        apply_refund(session, session.get(Shop, order.shop_id),
                     ev.RefundRecorded(order.order_id, refund_id, Decimal(amount), PLACED, lines))


def _refunded(rt, order_pk: int) -> str:
    with rt.sessions() as session:
        order = session.get(Order, order_pk)
        return order_summary(session, session.get(Shop, order.shop_id), order).refunded


def test_a_shopify_refund_counts_before_its_record_arrives_and_once_after(rt, shops):
    order_pk = _order(rt, shops["shopify"].id, "5550001", refunded=(("901", "22.50"),))   # one tee, refunded earlier
    assert _refunded(rt, order_pk) == "22.50 USD"
    _acted(rt, order_pk, "refund", {"refund": "gid://shopify/Refund/77", "amount": "66.50"})
    assert _refunded(rt, order_pk) == "89.00 USD"   # refunds/create not here yet: returnkit's own refund counts
    _platform_records(rt, order_pk, "77", "66.50", (("9002", 1),))
    assert _refunded(rt, order_pk) == "89.00 USD"   # the record of the same refund: not counted twice


def test_refunds_that_did_not_succeed_or_name_no_refund_do_not_count(rt, shops):
    order_pk = _order(rt, shops["shopify"].id, "5550002")
    _acted(rt, order_pk, "refund", None, state="dead")
    _acted(rt, order_pk, "refund", None, state="retrying")
    _acted(rt, order_pk, "cancel_order", {"job": "gid://shopify/Job/1", "cancelled_at": "2026-05-12T10:00:00Z"})
    _acted(rt, order_pk, "order_note", {"note": "gid://shopify/Note/3"})
    assert _refunded(rt, order_pk) == "0.00 USD"


def test_a_woocommerce_refund_counts_once_when_the_order_body_lists_it_without_lines(rt, shops):
    order_pk = _order(rt, shops["woocommerce"].id, "727")
    _acted(rt, order_pk, "refund", {"refund": 41, "amount": "30.00"})
    _acted(rt, order_pk, "create_exchange", {"exchange_order": 730, "difference_refunded": "5.00",
                                             "difference_refund": 42})
    assert _refunded(rt, order_pk) == "35.00 USD"
    _platform_records(rt, order_pk, "41", "30.00")   # order.updated: the refunds, their totals, no lines
    _platform_records(rt, order_pk, "42", "5.00")
    assert _refunded(rt, order_pk) == "35.00 USD"
    _platform_records(rt, order_pk, "43", "12.00")   # one the merchant made in WooCommerce's admin
    assert _refunded(rt, order_pk) == "47.00 USD"


def test_a_woocommerce_refund_to_pay_by_hand_counts_and_says_so(rt, shops):
    order_pk = _order(rt, shops["woocommerce"].id, "728")
    _acted(rt, order_pk, "refund", {"refund": 51, "amount": "10.00", "refund_by_hand": True, "note": 9})
    expected = ("10.00 USD (of which 10.00 USD is to be paid by hand: the order's payment method cannot send "
                "money back)")
    assert _refunded(rt, order_pk) == expected
    _platform_records(rt, order_pk, "51", "10.00")
    assert _refunded(rt, order_pk) == expected
