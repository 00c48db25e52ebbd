"""The customer's page names the store credit they were given, once its action succeeded: the coupon code where the
platform gives one, the amount and the bonus apart."""
from types import SimpleNamespace

from integration.requests.next_steps import next_steps

DECISION = {"outcome": "approved", "resolution": "store_credit", "return_required": False,
            "refund": {"total": "40.00", "currency": "USD", "method": "store_credit", "timing": "on_approval"},
            "credit": {"amount": "40.00", "bonus": "4.00", "currency": "USD"}}


def row(state="succeeded", result=None, method="store_credit", document=DECISION):
    action = SimpleNamespace(kind="refund", state=state, result=result, payload={"method": method, "amount": "40.00"})
    return SimpleNamespace(document=document, actions=[action])


def test_a_woocommerce_coupon_is_shown_with_its_code_amount_and_bonus():
    steps = next_steps(None, None, None, row(result={"store_credit": "RK-7F3A-91", "coupon": 55}))
    assert steps["credit"] == {"code": "RK-7F3A-91", "amount": "40.00", "bonus": "4.00", "currency": "USD"}
    assert steps["steps"] == ["Your store credit is ready: it is shown below."]   # not "comes back" any more


def test_shopify_credit_has_no_code_but_its_amounts():
    steps = next_steps(None, None, None, row(result={"refund": "gid://shopify/Refund/1"}))
    assert steps["credit"]["code"] is None and steps["credit"]["bonus"] == "4.00"


def test_nothing_is_shown_before_the_credit_is_given_or_for_a_money_refund():
    waiting = next_steps(None, None, None, row(state="running"))
    assert waiting["credit"] is None and waiting["steps"] == ["40.00 USD comes back as store credit."]
    assert next_steps(None, None, None, row(method="original_payment", result={}))["credit"] is None
    denied = {**DECISION, "outcome": "denied"}
    assert next_steps(None, None, None, row(result={"store_credit": "X"}, document=denied))["credit"] is None
