"""Store credit on WooCommerce, which has none of its own: a single-use fixed-cart coupon for the customer's billing
email, made once whatever the retries, the code told to the customer in a note; nothing goes through the gateway."""
import pytest

from adapters.http import PlatformError
from tests.e2e.test_woocommerce_actions import ORDER, woo  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_money import perform, refund, taxed

CREDIT = refund([["42", 1]], method="store_credit")


def test_store_credit_is_a_coupon_for_the_customer_and_a_note_with_its_code(rt, shops, woo):  # noqa: F811
    woo.orders[ORDER] = taxed(woo.orders[ORDER])
    result = perform(rt, shops, "refund", CREDIT)
    [coupon] = woo.coupons
    assert (coupon["amount"], coupon["discount_type"], coupon["email_restrictions"], coupon["usage_limit"]) == (
        "12.80", "fixed_cart", ["riley.tester@example.com"], 1)
    assert coupon["code"] == result["store_credit"] and coupon["code"].startswith("rk-")
    [note] = woo.notes[ORDER]
    assert note["customer_note"] is True and coupon["code"] in note["note"] and "12.80 USD" in note["note"]
    assert woo.refunds.get(ORDER, []) == [] and not any(c[1].endswith("/refunds") and c[0] == "POST" for c in woo.calls)


def test_store_credit_run_again_makes_no_second_coupon_or_note(rt, shops, woo):  # noqa: F811
    first, again = perform(rt, shops, "refund", CREDIT), perform(rt, shops, "refund", CREDIT)
    assert first["store_credit"] == again["store_credit"] and len(woo.coupons) == 1
    assert len(woo.notes[ORDER]) == 1
    other = perform(rt, shops, "refund", CREDIT, key="returnkit-9-0-refund")   # another decision: its own coupon
    assert other["store_credit"] != first["store_credit"] and len(woo.coupons) == 2


def test_a_coupon_made_but_answered_with_500_is_found_by_its_code_not_made_twice(rt, shops, woo):  # noqa: F811
    woo.faults.extend([None, None, None, "lost"])   # the order, the code looked up, its refunds, then the coupon
    with pytest.raises(PlatformError) as lost:
        perform(rt, shops, "refund", CREDIT)
    assert lost.value.retryable
    result = perform(rt, shops, "refund", CREDIT)
    assert [c["code"] for c in woo.coupons] == [result["store_credit"]]
    assert len([c for c in woo.calls if c[:2] == ("POST", "coupons")]) == 1 and len(woo.notes[ORDER]) == 1
