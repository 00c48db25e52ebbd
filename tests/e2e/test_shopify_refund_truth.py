"""Shopify refunds as Shopify makes them: tax included, units refunded once, a retry resending what was sent."""
from decimal import Decimal

from sqlalchemy import select

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


def test_a_refund_whose_answer_is_lost_is_resent_unchanged_and_paid_once(client, rt, queue, shops, shopify):
    # suggestedRefund answers; refundCreate is applied and its answer lost
    assert _inspected_refund(client, rt, queue, shops, shopify, [None, "lost"]).json["decision"]["refund"]["total"] == "7.74"
    assert drain(rt)[0] == "retrying"
    assert shopify.refunded(ORDER) == Decimal("7.74")
    _retry_now(rt)
    assert set(drain(rt)) == {"succeeded"}
    refunds = [variables for name, variables in shopify.calls if name == "IssueRefund"]
    assert len(refunds) == 2 and refunds[0] == refunds[1]        # the very same variables and key
    assert seen(shopify).count("SuggestedRefund") == 1           # asked once, before the first attempt
    assert shopify.refunded(ORDER) == Decimal("7.74")            # paid once


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
