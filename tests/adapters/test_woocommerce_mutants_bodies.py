"""The exact JSON bodies WooCommerce receives for a refund and a cancellation's refund (POST orders/<id>/refunds),
and the outbox's exact backoff. Every expected figure is worked out by hand from the order in the test, the way
WooCommerce core computes it (line `total` and `taxes` per unit, shipping lines in full, remaining = order total
less every refund), never read back from our code."""
from datetime import timedelta

import pytest

from adapters.http import PlatformError
from adapters.woocommerce.actions import cancel_body, refund_body, remaining
from integration.domain import actions as act
from integration.outbox.run import backoff

ORDER = {
    "id": 501, "currency": "EUR", "total": "60.00",
    # 2 units at 20.00 pre-tax, 4.00 tax each (one tax rate, id 1)
    "line_items": [{"id": 11, "quantity": 2, "total": "40.00", "taxes": [{"id": 1, "total": "8.00"}]},
                   {"id": 12, "quantity": 3, "total": "0.00", "taxes": []}],
    # 10.00 shipping, 2.00 tax on it
    "shipping_lines": [{"id": 21, "total": "10.00", "taxes": [{"id": 1, "total": "2.00"}]}],
}


def _refund(**kw):
    base = dict(order_id="501", amount="33.00", currency="EUR", shipping="10.00", lines=[[11, 1]],
                deductions="3.00", restock=[11])
    return act.Refund(**{**base, **kw})


def test_refund_body_one_unit_with_shipping_less_deductions():
    # one unit: 20.00 + 4.00 tax; shipping 10.00 + 2.00 tax; 36.00 less 3.00 deductions = 33.00 (40.00 left)
    body = refund_body(_refund(), ORDER, [{"amount": "20.00"}], "[k1]")
    assert body == {
        "amount": "33.00", "reason": "returnkit refund [k1]", "api_refund": True, "api_restock": True,
        "line_items": [
            {"id": 11, "quantity": 1, "refund_total": "20.00", "refund_tax": [{"id": 1, "refund_total": "4.00"}]},
            {"id": 21, "refund_total": "10.00", "refund_tax": [{"id": 1, "refund_total": "2.00"}]},
        ]}


def test_refund_body_never_exceeds_what_is_left_and_restocks_only_when_every_line_is_restocked():
    # 36.00 - 3.00 = 33.00 wanted, 60.00 - 35.00 - 5.00 = 20.00 left
    body = refund_body(_refund(lines=[[11, 1], [12, 1]], restock=[11]), ORDER,
                       [{"amount": "35.00"}, {"amount": "5.00"}], "[k2]")
    assert (body["amount"], body["api_restock"]) == ("20.00", False)
    assert body["line_items"][1] == {"id": 12, "quantity": 1, "refund_total": "0.00", "refund_tax": []}


def test_refund_body_part_of_the_shipping_takes_its_share_of_the_shipping_tax():
    # 5.00 of 10.00 shipping: half its 2.00 tax; no lines restocked; no deductions: 20 + 4 + 5 + 1 = 30.00
    body = refund_body(_refund(shipping="5.00", deductions="0", restock=[]), ORDER, [], "[k3]")
    assert body["line_items"][1] == {"id": 21, "refund_total": "5.00", "refund_tax": [{"id": 1, "refund_total": "1.00"}]}
    assert (body["amount"], body["api_refund"], body["api_restock"]) == ("30.00", True, False)


def test_refund_body_deductions_above_the_money_pay_nothing():
    body = refund_body(_refund(shipping=None, deductions="50.00"), ORDER, [], "[k4]")
    assert (body["amount"], body["api_refund"]) == ("0.00", False)
    assert [i["id"] for i in body["line_items"]] == [11]


def test_refund_body_refuses_a_line_the_order_does_not_have():
    with pytest.raises(PlatformError) as raised:
        refund_body(_refund(lines=[[99, 1]]), ORDER, [], "[k5]")
    assert str(raised.value) == "woocommerce: line 99 is not on order 501"
    assert raised.value.retryable is False


def test_remaining_is_the_total_less_every_refund_never_negative():
    assert str(remaining(ORDER, [{"amount": "20.00"}, {"amount": ""}, {}])) == "40.00"
    assert remaining(ORDER, [{"amount": "70.00"}]) == 0


def test_cancel_body_refunds_the_amount_capped_by_what_is_left_with_no_lines_and_no_restock():
    payload = act.CancelOrder("501", "45.50", "EUR")
    assert cancel_body(payload, ORDER, [], "[c1]") == {
        "amount": "45.50", "reason": "returnkit refund [c1]", "api_refund": True, "api_restock": False,
        "line_items": []}
    assert cancel_body(payload, ORDER, [{"amount": "50.00"}], "[c1]")["amount"] == "10.00"
    nothing = cancel_body(payload, ORDER, [{"amount": "60.00"}], "[c1]")
    assert (nothing["amount"], nothing["api_refund"]) == ("0.00", False)


@pytest.mark.parametrize("attempts, retry_after, first, seconds", [
    (0, None, 15.0, 15), (1, None, 15.0, 15), (2, None, 15.0, 30), (4, None, 15.0, 120),
    (8, None, 15.0, 1920), (9, None, 15.0, 3600), (2, 45, 15.0, 45), (3, 45, 15.0, 60), (2, None, 2.0, 4),
])
def test_backoff_doubles_from_first_is_capped_at_an_hour_and_a_longer_retry_after_wins(attempts, retry_after,
                                                                                        first, seconds):
    assert backoff(attempts, retry_after, first) == timedelta(seconds=seconds)


# A zero-decimal currency: WooCommerce stores yen amounts without decimals, so every part rounds to whole yen.
YEN_ORDER = {
    "id": 502, "currency": "JPY", "total": "3300",
    "line_items": [{"id": 11, "quantity": 3, "total": "1000", "taxes": [{"id": 1, "total": "100"}]}],
    "shipping_lines": [{"id": 21, "total": "500", "taxes": [{"id": 1, "total": "50"}]},
                       {"id": 22, "total": "300", "taxes": []}],
}


@pytest.mark.parametrize("order", [YEN_ORDER, {k: v for k, v in YEN_ORDER.items() if k != "currency"}],
                         ids=["order-currency", "payload-currency"])
def test_refund_body_in_yen_rounds_to_whole_yen_and_covers_shipping_lines_in_order(order):
    # one unit of three: 1000/3 = 333.33 -> 333, tax 100/3 = 33.33 -> 33; shipping 700: line 21 in full (500 + 50
    # tax), then 200 of line 22 (no tax); 333 + 33 + 500 + 50 + 200 = 1116
    payload = act.Refund(order_id="502", amount="1116", currency="JPY", shipping="700", lines=[[11, 1]])
    assert refund_body(payload, order, [], "[y1]") == {
        "amount": "1116", "reason": "returnkit refund [y1]", "api_refund": True, "api_restock": False,
        "line_items": [
            {"id": 11, "quantity": 1, "refund_total": "333", "refund_tax": [{"id": 1, "refund_total": "33"}]},
            {"id": 21, "refund_total": "500", "refund_tax": [{"id": 1, "refund_total": "50"}]},
            {"id": 22, "refund_total": "200", "refund_tax": []},
        ]}
    assert cancel_body(act.CancelOrder("502", "1234.4", "JPY"), order, [], "[y2]")["amount"] == "1234"


def test_less_than_one_unit_of_money_is_still_paid_back():
    # 36.00 less 35.50 deductions = 0.50: a real refund, sent to the gateway
    body = refund_body(_refund(deductions="35.50"), ORDER, [], "[k6]")
    assert (body["amount"], body["api_refund"]) == ("0.50", True)
    cancelled = cancel_body(act.CancelOrder("501", "0.50", "EUR"), ORDER, [], "[c2]")
    assert (cancelled["amount"], cancelled["api_refund"]) == ("0.50", True)
