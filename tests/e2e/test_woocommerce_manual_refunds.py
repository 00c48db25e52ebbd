"""WooCommerce orders paid by a gateway that cannot send money back (cash on delivery, bank transfer, cheque, or a
gateway that is gone): the refund is recorded without the gateway and the merchant is told to pay it by hand,
where an automatic refund would fail with a 500 on every retry (the emulator answers as wc_refund_payment does)."""
import pytest

from tests.e2e.test_shopify_actions import drain
from tests.e2e.test_woocommerce_actions import DAMAGED, ORDER, STORY, _make_due, _refund_calls, ask, woo  # noqa: F401
from tests.orders.test_picture import replay


def _claim(client, rt, queue, shops, woo, gateway: str) -> dict:  # noqa: F811
    woo.orders[ORDER]["payment_method"] = gateway
    replay(client, rt, queue, "woocommerce", STORY)
    return ask(client, rt, shops, DAMAGED).json["decision"]


@pytest.mark.parametrize("gateway", ["cod", "bacs", "cheque", ""])
def test_an_offline_gateways_refund_is_recorded_once_and_the_merchant_pays_it_by_hand(client, rt, queue, shops, woo,  # noqa: F811
                                                                                       gateway):
    decision = _claim(client, rt, queue, shops, woo, gateway)
    assert drain(rt) == ["succeeded", "succeeded"]
    [(_, _, body)] = _refund_calls(woo)
    assert body["api_refund"] is False and body["amount"] == decision["refund"]["total"]
    [refund] = woo.refunds[ORDER]
    assert "by hand" in refund["reason"] and "[returnkit-" in refund["reason"]
    amount = f"{decision['refund']['total']} {decision['refund']['currency']}"
    staff, told = ([n for n in woo.notes[ORDER] if "by hand" in n["note"] and n["customer_note"] is seen]
                   for seen in (False, True))
    assert len(staff) == 1 and f"refund {amount}" in staff[0]["note"]
    # The customer is told too, once: the refund is recorded, and the shop sends the money by hand.
    assert len(told) == 1 and f"Your refund of {amount}" in told[0]["note"]


def test_a_gateway_that_refuses_is_asked_once_then_the_refund_is_recorded_by_hand(client, rt, queue, shops, woo):  # noqa: F811
    _claim(client, rt, queue, shops, woo, "authorize_net_cim")   # not installed on the store any more
    assert drain(rt) == ["succeeded", "succeeded"]
    assert [body["api_refund"] for _, _, body in _refund_calls(woo)] == [True, False]
    assert len(woo.refunds[ORDER]) == 1 and "by hand" in woo.refunds[ORDER][0]["reason"]


def test_a_lost_answer_to_a_refund_by_hand_neither_records_it_twice_nor_loses_the_note(client, rt, queue, shops, woo):  # noqa: F811
    _claim(client, rt, queue, shops, woo, "cod")
    woo.faults.extend([None, None, "lost"])   # the refunds list, the order, then the refund: kept, answer lost
    assert drain(rt) == ["retrying", "succeeded"]
    _make_due(rt)
    assert drain(rt) == ["succeeded"]
    assert len(woo.refunds[ORDER]) == 1 and len(_refund_calls(woo)) == 1
    by_hand = [n["customer_note"] for n in woo.notes[ORDER] if "by hand" in n["note"]]
    assert sorted(by_hand) == [False, True]   # the merchant's note and the customer's, once each


def test_a_card_refund_still_goes_through_the_gateway(client, rt, queue, shops, woo):  # noqa: F811
    _claim(client, rt, queue, shops, woo, "stripe")
    assert drain(rt) == ["succeeded", "succeeded"]
    assert [body["api_refund"] for _, _, body in _refund_calls(woo)] == [True]
    assert "by hand" not in woo.refunds[ORDER][0]["reason"]


def test_a_gateway_that_failed_mid_refund_is_retried_not_turned_into_a_refund_by_hand(client, rt, queue, shops,  # noqa: F811
                                                                                       woo, monkeypatch):
    _claim(client, rt, queue, shops, woo, "stripe")
    monkeypatch.setattr("tests.emulators.woocommerce.gateway_refusal", lambda order: (
        "An error occurred while attempting to create the refund using the payment gateway API."))
    assert sorted(drain(rt)) == ["retrying", "succeeded"]
    assert woo.refunds.get(ORDER, []) == [] and all(b["api_refund"] for _, _, b in _refund_calls(woo))
