"""Shopify refunds as Shopify makes them: tax included, units refunded once, a retry resending what was sent."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.base import Ledger
from adapters.http import PlatformError
from integration.db.models import Shop
from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.outbox.gateways import gateways_for
from integration.policy.loader import resolve_policy_path
from integration.shops.core import set_policy
from tests.emulators.shopify_returns_state import LOCATION

from integration.db.engine import transaction
from integration.db.request_models import Action
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, shopify, use_policy  # noqa: F401
from tests.orders.test_picture import STORY, replay


def _retry_now(rt) -> None:
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.state == "retrying")):
            action.next_attempt_at = action.created_at


def _inspected_refund(client, rt, queue, shops, shopify, faults=()):
    use_policy(rt, shops, "motion-hardware")
    replay(client, rt, queue, "shopify", STORY)
    response, key = api_request(client, rt, shops, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                                    "reason": "changed_mind",
                                                    "items": [{"line_item_id": "9002", "quantity": 1}]})
    drain(rt)
    shopify.calls.clear()
    shopify.faults.extend(faults)
    return client.post(f"/api/v1/requests/{response.json['request_id']}/inspection",
                       json={"items": {"9002": "damaged"}}, headers={"Authorization": f"Bearer {key}"})


def _gateway(rt, shops):
    with rt.sessions() as session:
        return gateways_for(rt)(session.get(Shop, shops["shopify"].id))


def test_a_refund_whose_answer_is_lost_is_resent_unchanged_and_paid_once(rt, shops, shopify):
    shopify.state.add_order("81", [("1", 2, "40.00", "2.00")], shipping="10.00", shipping_tax="0.50")
    payload = payload_json(act.Refund("81", "94.50", "USD", "10.00", [["1", 2]], "0.00", "4.50"))
    gateway, ledger = _gateway(rt, shops), Ledger()
    shopify.faults.extend([None, "lost"])   # suggestedRefund answers; refundCreate is applied, its answer lost
    with pytest.raises(PlatformError):
        gateway.perform("refund", payload, "returnkit-9-0-refund", ledger)
    assert shopify.refunded("81") == Decimal("94.50")
    again = gateway.perform("refund", payload, "returnkit-9-0-refund", ledger)   # the retry, with its saved ledger
    refunds = [variables for name, variables in shopify.calls if name == "IssueRefund"]
    assert len(refunds) == 2 and refunds[0] == refunds[1]       # the very same variables and key
    assert seen(shopify).count("SuggestedRefund") == 1          # asked once, before the first attempt
    assert (again["amount"], shopify.refunded("81")) == ("94.50", Decimal("94.50"))   # paid once, tax included


def test_a_store_credit_refund_credits_the_customer_and_pays_nothing_to_the_card(rt, shops, shopify):
    shopify.state.add_order("82", [("1", 1, "40.00", "2.00")])
    payload = payload_json(act.Refund("82", "42.00", "USD", None, [["1", 1]], "0.00", "2.00", "store_credit"))
    _gateway(rt, shops).perform("refund", payload, "returnkit-10-0-refund", Ledger())
    [refund] = [variables["input"] for name, variables in shopify.calls if name == "IssueRefund"]
    assert refund["transactions"] == []
    assert refund["refundMethods"] == [{"storeCreditRefund": {"amount": {"amount": "42.00", "currencyCode": "USD"}}}]


def test_an_inspected_return_is_processed_and_closed(client, rt, queue, shops, shopify):
    """Shopify 2025-07: a return is settled by returnProcess (lines, dispositions, refund), not refundCreate."""
    decision = _inspected_refund(client, rt, queue, shops, shopify).json["decision"]
    assert decision["refund"]["total"] == "7.74"
    assert set(drain(rt)) == {"succeeded"}
    assert "IssueRefund" not in seen(shopify)
    [ret] = [r for r in shopify.state.returns.values() if r["order"] == f"gid://shopify/Order/{ORDER}"]
    assert ret["status"] == "CLOSED"
    assert ret["dispositions"] == [("gid://shopify/LineItem/9002", 1, "NOT_RESTOCKED")]   # damaged: not restocked
    assert shopify.refunded(ORDER) == Decimal("7.74")


def test_a_lost_return_processing_answer_settles_the_return_once(client, rt, queue, shops, shopify):
    # OrderReturns, ReturnToProcess and suggestedRefund answer; returnProcess is applied, its answer lost
    _inspected_refund(client, rt, queue, shops, shopify, [None, None, None, "lost"])
    assert drain(rt)[0] == "retrying"
    _retry_now(rt)
    assert set(drain(rt)) == {"succeeded"}
    assert seen(shopify).count("ProcessReturn") == 1 and shopify.refunded(ORDER) == Decimal("7.74")


def test_the_emulator_refuses_a_used_key_with_other_parameters(shopify):
    """shopify.dev implementing-idempotency: a key is bound to its first parameters."""
    state = shopify.state
    state.add_order("77", [("1", 2, "10.00", "1.30")])
    first = {"input": {"orderId": "gid://shopify/Order/77", "transactions": [{"amount": "11.30"}],
                       "refundLineItems": [{"lineItemId": "gid://shopify/LineItem/1", "quantity": 1}]}}
    assert state.refundCreate(first, "k")["userErrors"] == []
    assert state.refundCreate(first, "k")["refund"]["amount"] == Decimal("11.30")   # a replay, nothing more paid
    other = {"input": {**first["input"], "transactions": [{"amount": "5.00"}]}}
    try:
        state.refundCreate(other, "k")
        raise AssertionError("a used key with other parameters must be refused")
    except Exception as exc:   # noqa: BLE001  (the emulator's top-level GraphQL error)
        assert getattr(exc, "code", None) == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert state.orders["gid://shopify/Order/77"]["refunded"] == Decimal("11.30")


def test_units_already_refunded_cannot_be_refunded_again_on_shopify(shopify):
    state = shopify.state
    state.add_order("78", [("1", 1, "10.00", "1.30")])
    line = {"lineItemId": "gid://shopify/LineItem/1", "quantity": 1}
    assert state.refundCreate({"input": {"orderId": "gid://shopify/Order/78", "refundLineItems": [line]}}, "a")[
        "userErrors"] == []
    again = state.refundCreate({"input": {"orderId": "gid://shopify/Order/78", "refundLineItems": [line]}}, "b")
    assert again["refund"] is None and "refundable quantity" in again["userErrors"][0]["message"]


def test_the_suggested_refund_carries_the_units_tax(shopify):
    state = shopify.state
    state.add_order("79", [("1", 2, "40.00", "2.00")], shipping="10.00", shipping_tax="0.50")
    order = state.orders["gid://shopify/Order/79"]
    assert state.suggested_amount(order, [{"lineItemId": "gid://shopify/LineItem/1", "quantity": 1}], "10.00") == \
        Decimal("52.50")


def test_the_policys_restock_term_puts_unused_units_back_at_the_orders_location(client, rt, queue, shops, shopify):
    text = resolve_policy_path("motion-hardware").read_text().replace(
        "    return: {required: true, shipping_paid_by: customer}\n    refund: {shipping: \"no\", deductions: by_condition}",
        "    return: {required: true, shipping_paid_by: customer, restock: unused}\n"
        "    refund: {shipping: \"no\", deductions: by_condition}")
    assert "restock: unused" in text
    replay(client, rt, queue, "shopify", STORY)
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["shopify"].id), text)
    response, key = api_request(client, rt, shops, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                                    "reason": "changed_mind",
                                                    "items": [{"line_item_id": "9002", "quantity": 1}]})
    assert [line["restock"] for line in response.json["decision"]["lines"]] == [False]   # not back yet
    drain(rt)
    inspected = client.post(f"/api/v1/requests/{response.json['request_id']}/inspection",
                            json={"items": {"9002": "unused"}}, headers={"Authorization": f"Bearer {key}"})
    assert [line["restock"] for line in inspected.json["decision"]["lines"]] == [True]
    assert set(drain(rt)) == {"succeeded"}
    [ret] = [r for r in shopify.state.returns.values() if r["order"] == f"gid://shopify/Order/{ORDER}"]
    assert (ret["status"], ret["dispositions"]) == ("CLOSED", [("gid://shopify/LineItem/9002", 1, "RESTOCKED")])
    processed = dict(shopify.calls)["ProcessReturn"]["input"]
    assert processed["returnLineItems"][0]["dispositions"][0]["locationId"] == LOCATION
