"""Store credit with a bonus (`store_credit: {bonus_percent: N}` in a rule's terms): the decision shows the credit and
its bonus apart from money; Shopify credits the amount with the refund's storeCreditRefund and the bonus with
storeCreditAccountCredit, once; WooCommerce puts both in one single-use coupon for the customer's email."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text, resolve_policy_path
from integration.shops.core import set_policy
from tests.e2e.test_replacements import make_due
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, shopify  # noqa: F401
from tests.e2e.test_woocommerce_actions import DAMAGED, ask, woo  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import ORDER as WOO_ORDER
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.emulators.shopify_draft_orders_state import CUSTOMER
from tests.helpers import contract_validator
from tests.orders.test_picture import STORY, replay

KINECTR = resolve_policy_path("kinectr").read_text()
CLAIM_TERMS = '    refund: {shipping: "no"}\n'


def credit_policy(percent="10") -> str:
    """Kinectr, its claims paid as store credit with a bonus."""
    assert KINECTR.count(CLAIM_TERMS) == 1
    return KINECTR.replace(CLAIM_TERMS, '    refund: {shipping: "no", method: store_credit}\n'
                                        f"    store_credit: {{bonus_percent: {percent}}}\n")


def use(rt, shop_id, text) -> None:
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), text)


def again(rt) -> None:
    """Every refund action run once more, with what it recorded (a second worker, a redelivered job)."""
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.kind == "refund")):
            action.state, action.next_attempt_at = "retrying", utcnow() - timedelta(seconds=1)


def test_the_bonus_is_a_percent_of_the_credit_and_must_be_0_to_100():
    assert load_policy_text(credit_policy("12.5")).rules[-1].terms.credit_bonus_percent == Decimal("12.5")
    with pytest.raises(InvalidPolicy) as refused:
        load_policy_text(credit_policy("150"))
    assert any("store_credit.bonus_percent" in e and "0 to 100" in e for e in refused.value.errors)


def test_shopify_store_credit_and_its_bonus_are_credited_once(client, rt, queue, shops, shopify):
    use(rt, shops["shopify"].id, credit_policy())
    replay(client, rt, queue, "shopify", STORY)
    response, _ = api_request(client, rt, shops, {**DAMAGED, "submitted_at": "2026-05-12T10:00:00-06:00",
                                                  "items": [{"line_item_id": "9002", "quantity": 1}]})
    decision = response.json["decision"]
    contract_validator("decision").validate(decision)   # the credit is an addition the contract allows
    assert decision["refund"]["method"] == "store_credit"
    credit = decision["credit"]
    assert credit == {"amount": decision["refund"]["total"], "currency": "USD",
                      "bonus": str((Decimal(decision["refund"]["total"]) / 10).quantize(Decimal("0.01"), "ROUND_DOWN"))}
    shopify.faults.extend(["", "", "", "lost"])   # the suggestion, the refund, the credits read, then the bonus's answer
    assert drain(rt) == ["retrying", "succeeded"]
    make_due(rt)
    assert drain(rt) == ["succeeded"]
    again(rt)
    assert drain(rt) == ["succeeded"]
    assert shopify.state.credited(CUSTOMER) == [Decimal(credit["bonus"])]
    assert seen(shopify).count("CreditStoreCredit") == 1
    refunds = [v["input"] for name, v in shopify.calls if name == "IssueRefund"]
    assert {r["refundMethods"][0]["storeCreditRefund"]["amount"]["amount"] for r in refunds} == {credit["amount"]}
    assert len(shopify.state.refunds) == 1 and all(r["transactions"] == [] for r in refunds)


def test_woocommerce_the_coupon_holds_the_credit_and_the_bonus_once(client, rt, queue, shops, woo):
    use(rt, shops["woocommerce"].id, credit_policy("10"))
    replay(client, rt, queue, "woocommerce", WOO_STORY)
    credit = ask(client, rt, shops, DAMAGED).json["decision"]["credit"]
    assert Decimal(credit["bonus"]) == (Decimal(credit["amount"]) / 10).quantize(Decimal("0.01"), "ROUND_DOWN") > 0
    assert set(drain(rt)) == {"succeeded"}
    again(rt)
    assert set(drain(rt)) == {"succeeded"}
    [coupon] = woo.coupons
    assert Decimal(coupon["amount"]) == Decimal(credit["amount"]) + Decimal(credit["bonus"])
    assert (coupon["usage_limit"], coupon["email_restrictions"]) == (1, ["riley.tester@example.com"])
    told = [n for n in woo.notes[WOO_ORDER] if coupon["code"] in n["note"]]
    assert len(told) == 1 and told[0]["customer_note"] and f"a bonus of {credit['bonus']} included" in told[0]["note"]
    assert woo.refunds.get(WOO_ORDER, []) == []
