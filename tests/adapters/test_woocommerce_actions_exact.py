"""WooCommerce actions, request by request: the exact REST paths and bodies each step sends
(adapters/woocommerce/actions.py) and what it answers; notes, tags, refunds (by gateway, by hand, as a coupon),
cancellations, replacements, exchanges and labels. The refund bodies' figures: test_woocommerce_mutants_bodies.py."""
import hashlib

import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from adapters.woocommerce.actions import WooCommerceActions
from integration.domain import actions as act
from integration.domain.actions import payload_json
from tests.adapters.scripted_platform import Locks, ScriptedWoo

KEY = "returnkit-9-0-x"
MARK = f"[{KEY}]"
CODE = "rk-" + hashlib.sha256(KEY.encode()).hexdigest()[:12]
ORDER = {"id": 501, "currency": "EUR", "total": "60.00", "payment_method": "stripe",
         "billing": {"email": " ada@example.com "}, "shipping": {},
         "line_items": [{"id": 11, "product_id": 70, "quantity": 2, "total": "40.00", "taxes": []}],
         "shipping_lines": []}


def run(client, payload, ledger=None, labels=None, locks=None) -> dict:
    return WooCommerceActions(client, labels).perform(payload.kind.value, payload_json(payload), KEY,
                                                      ledger or Ledger(), locks or Locks())


def _woo(**answers) -> ScriptedWoo:
    table = {("GET", "orders/501/notes"): [], ("POST", "orders/501/notes"): {"id": 61},
             ("GET_ALL", "orders/501/refunds"): [], ("GET", "orders/501"): ORDER}
    return ScriptedWoo({**table, **{tuple(k.split(" ", 1)) if " " in k else k: v for k, v in answers.items()}})


def _sent(client, method: str) -> list:
    return [(path, body) for m, path, body in client.calls if m == method]


@pytest.mark.parametrize("payload, customer", [(act.OrderNote("501", "Approved."), False),
                                               (act.CustomerNote("501", "Approved."), True)])
def test_a_note_carries_our_marker_and_who_reads_it(payload, customer):
    client = _woo()
    assert run(client, payload) == {"note": 61}
    assert client.calls == [("GET", "orders/501/notes", None), ("POST", "orders/501/notes",
                                                                {"note": f"Approved. {MARK}", "customer_note": customer})]


def test_notes_without_our_marker_do_not_stop_ours():
    client = _woo(**{"GET orders/501/notes": [{"note": "Order status changed."}, {"note": None}]})
    assert run(client, act.OrderNote("501", "Approved.")) == {"note": 61}


def test_a_note_with_our_marker_is_not_written_again():
    client = _woo(**{"GET orders/501/notes": [{"note": None}, {"note": f"Approved. {MARK}"}]})
    assert run(client, act.OrderNote("501", "Approved.")) == {"skipped": "already noted"}
    assert _sent(client, "POST") == []


def test_a_tag_is_a_meta_flag():
    client = _woo()
    assert run(client, act.TagOrder("501", "returnkit-review")) == {"tagged": "returnkit-review"}
    assert client.calls == [("PUT", "orders/501", {"meta_data": [{"key": "_returnkit_tag", "value": "returnkit-review"}]})]


def _refund(**kw) -> act.Refund:
    base = dict(order_id="501", amount="20.00", currency="EUR", shipping=None, lines=[[11, 1]])
    return act.Refund(**{**base, **kw})


BODY = {"amount": "20.00", "reason": f"returnkit refund {MARK}", "api_refund": True, "api_restock": False,
        "line_items": [{"id": 11, "quantity": 1, "refund_total": "20.00", "refund_tax": []}]}
BY_HAND = {**BODY, "api_refund": False, "reason": f"returnkit refund by hand {MARK}"}


def test_a_refund_reads_every_refund_under_the_orders_lock_then_posts_its_body():
    client, locks = _woo(**{"POST orders/501/refunds": {"id": 81, "amount": "20.00", "reason": BODY["reason"]}}), Locks()
    assert run(client, _refund(), locks=locks) == {"refund": 81, "amount": "20.00"}
    assert client.calls == [("GET_ALL", "orders/501/refunds", {"params": None, "max_pages": 100}),
                            ("GET", "orders/501", None), ("POST", "orders/501/refunds", BODY)]
    assert locks.held == ["501"]


def test_a_refund_with_our_marker_is_not_made_again():
    client = _woo(**{"GET_ALL orders/501/refunds": [{"id": 80, "reason": None},
                                                    {"id": 81, "amount": "20.00", "reason": f"x {MARK}"}]})
    assert run(client, _refund()) == {"refund": 81, "amount": "20.00", "skipped": "already refunded"}
    assert [c[0] for c in client.calls] == ["GET_ALL"]


def test_nothing_to_pay_posts_the_body_as_it_is_even_offline():
    client = _woo(**{"GET orders/501": {**ORDER, "payment_method": "cod"}, "POST orders/501/refunds": {"id": 82}})
    run(client, _refund(deductions="30.00"))
    assert _sent(client, "POST") == [("orders/501/refunds", {**BODY, "amount": "0.00", "api_refund": False})]


@pytest.mark.parametrize("gateway", ["cod", "bacs", "cheque", "", None])
def test_an_offline_gateway_records_the_refund_by_hand_and_tells_both(gateway):
    made = {"id": 83, "amount": "20.00", "reason": BY_HAND["reason"]}
    client = _woo(**{"GET orders/501": {**ORDER, "payment_method": gateway}, "POST orders/501/refunds": made})
    assert run(client, _refund()) == {"refund": 83, "amount": "20.00", "refund_by_hand": True, "note": 61,
                                      "customer_note": 61}
    staff = ("returnkit: refund 20.00 EUR to the customer by hand. The order's payment method cannot send money back, "
             f"so WooCommerce recorded the refund without paying it. {MARK}")
    customer = ("Your refund of 20.00 EUR is on its way: your payment method cannot send money back automatically, "
                f"so the shop sends it to you by hand. [{KEY} customer]")
    assert _sent(client, "POST") == [("orders/501/refunds", BY_HAND),
                                     ("orders/501/notes", {"note": customer, "customer_note": True}),
                                     ("orders/501/notes", {"note": staff, "customer_note": False})]


def _refusal(code: str, detail: str) -> PlatformError:
    error = PlatformError("woocommerce: refund refused", retryable=False)
    error.code, error.detail = code, detail
    return error


@pytest.mark.parametrize("detail", ["Payment gateway bogus does not support automatic refunds.",
                                    "The payment gateway for this order does not exist."])
def test_a_gateway_that_cannot_refund_gets_the_refund_by_hand(detail):
    refused = _refusal("woocommerce_rest_cannot_create_order_refund", detail)
    client = _woo(**{"GET orders/501/notes": [{"note": f"x [{KEY} customer]"}, {"note": f"y {MARK}"}]})
    client.answers[("seq", "POST", "orders/501/refunds")] = [refused, {"id": 84, "amount": "20.00",
                                                                        "reason": BY_HAND["reason"]}]
    assert run(client, _refund()) == {"refund": 84, "amount": "20.00", "refund_by_hand": True,
                                      "skipped": "already noted", "customer_note": None}
    assert _sent(client, "POST") == [("orders/501/refunds", BODY), ("orders/501/refunds", BY_HAND)]


@pytest.mark.parametrize("code, detail", [
    ("woocommerce_rest_cannot_create_order_refund", "An error occurred while attempting to create the refund using "
                                                    "the payment gateway API."),
    ("woocommerce_rest_cannot_create_order_refund", None),
    ("rest_invalid_param", "Payment gateway bogus does not support automatic refunds."),
])
def test_any_other_refusal_is_raised_as_it_is(code, detail):
    refused = _refusal(code, detail)
    client = _woo(**{"POST orders/501/refunds": refused})
    with pytest.raises(PlatformError) as error:
        run(client, _refund())
    assert error.value is refused and len(_sent(client, "POST")) == 1


def test_store_credit_is_a_single_use_coupon_for_the_billing_email_and_a_customer_note():
    # 60.00 paid, 42.00 refunded already: 18.00 is left of the 20.00 unit, plus the 2.50 bonus
    client = _woo(**{"GET coupons": [], "POST coupons": {"id": 91, "amount": "22.50"},
                     "GET_ALL orders/501/refunds": [{"amount": "42.00"}]})
    locks = Locks()
    made = run(client, _refund(method="store_credit", bonus="2.50"), locks=locks)
    code = CODE
    assert made == {"store_credit": code, "coupon": 91, "note": 61}
    assert ("GET", "coupons", {"code": code}) in client.calls and locks.held == ["501"]
    assert ("GET_ALL", "orders/501/refunds", {"params": None, "max_pages": 100}) in client.calls
    assert _sent(client, "POST") == [
        ("coupons", {"code": code, "amount": "20.50", "discount_type": "fixed_cart",
                     "email_restrictions": ["ada@example.com"], "usage_limit": 1,
                     "description": "returnkit store credit, order 501"}),
        ("orders/501/notes", {"note": f"Your store credit: coupon code {code}, worth 22.50 EUR, a bonus of 2.50 "
                                      f"included, for one order placed with ada@example.com. {MARK}",
                              "customer_note": True})]


def test_a_coupon_made_already_is_not_made_again_and_no_bonus_is_not_mentioned():
    client = _woo(**{"GET coupons": [{"id": 90, "amount": "20.00"}]})
    assert run(client, _refund(method="store_credit"))["coupon"] == 90
    assert _sent(client, "POST") == [("orders/501/notes", {
        "note": f"Your store credit: coupon code {CODE}, worth 20.00 EUR, for one order placed with ada@example.com. "
                f"{MARK}", "customer_note": True})]


@pytest.mark.parametrize("billing", [None, {"email": "  "}])
def test_store_credit_without_a_billing_email_fails_for_good(billing):
    with pytest.raises(PlatformError) as error:
        run(_woo(**{"GET orders/501": {**ORDER, "billing": billing}}), _refund(method="store_credit"))
    assert (str(error.value), error.value.retryable) == (
        "woocommerce: the order has no billing email to give store credit to", False)


def test_a_cancellation_sets_the_status_then_refunds_what_is_left():
    client = _woo(**{"POST orders/501/refunds": {"id": 85, "amount": "30.00", "reason": "r"}})
    assert run(client, act.CancelOrder("501", "30.00", "EUR")) == {"cancelled": "501", "refund": 85, "amount": "30.00"}
    assert client.calls[:2] == [("GET", "orders/501", None), ("PUT", "orders/501", {"status": "cancelled"})]
    assert _sent(client, "POST") == [("orders/501/refunds", {"amount": "30.00", "reason": f"returnkit refund {MARK}",
                                                             "api_refund": True, "api_restock": False,
                                                             "line_items": []})]


@pytest.mark.parametrize("gateway", ["cod", None])
def test_an_offline_cancellation_notes_a_refund_by_hand_if_paid(gateway):
    client = _woo(**{"GET orders/501": {**ORDER, "payment_method": gateway}})
    assert run(client, act.CancelOrder("501", "30.00", "EUR")) == {"cancelled": "501", "refund_by_hand": "if paid",
                                                                   "note": 61}
    assert _sent(client, "POST") == [("orders/501/notes", {"note": (
        "returnkit: order cancelled. Its payment method cannot send money back: if the customer has paid, refund up "
        f"to 30.00 EUR by hand. {MARK}"), "customer_note": False})]
    assert ("PUT", "orders/501", {"status": "cancelled"}) in client.calls


def test_a_cancellation_of_a_gone_order_still_cancels_as_offline():
    client = _woo(**{"GET orders/501": None})
    assert run(client, act.CancelOrder("501", "5", "EUR"))["refund_by_hand"] == "if paid"


def test_a_replacement_is_made_under_the_lock_and_noted_on_the_original():
    client, locks = _woo(**{"GET_ALL orders": [], "POST orders": {"id": 901, "number": "A-901"}}), Locks()
    made = run(client, act.CreateReplacement("501", [[11, 1]], "rk-m1"), locks=locks)
    assert made == {"replacement_order": 901, "note": 61} and locks.held == ["501"]
    assert _sent(client, "POST")[-1] == ("orders/501/notes", {
        "note": f"returnkit: replacement order #A-901 created at no charge. {MARK}", "customer_note": False})


def test_a_replacement_found_again_is_skipped_and_named_by_id():
    child = {"id": 900, "meta_data": [{"key": "_returnkit_marker", "value": "rk-m1"}]}
    client = _woo(**{"GET_ALL orders": [child]})
    assert run(client, act.CreateReplacement("501", [[11, 1]], "rk-m1")) == {
        "replacement_order": 900, "note": 61, "skipped": "already created"}
    assert _sent(client, "POST")[0][1]["note"].startswith("returnkit: replacement order #900 created")


def test_variants_in_stock_lists_each_products_wanted_variations_with_include():
    client = ScriptedWoo({("GET_ALL", "products/10/variations"): [{"id": 11, "stock_status": "instock"},
                                                                   {"id": 12, "stock_status": "outofstock"}],
                          ("GET_ALL", "products/20/variations"): []})
    gateway = WooCommerceActions(client)
    wants = [("10", "11", 1), ("20", "21", 1), ("10", "12", 1), (None, "30", 1)]
    assert gateway.variants_in_stock(wants) == {"11": True, "12": False, "21": False}
    assert client.calls == [("GET_ALL", "products/10/variations", {"params": {"include": "11,12"}, "max_pages": 0}),
                            ("GET_ALL", "products/20/variations", {"params": {"include": "21"}, "max_pages": 0})]


def test_variant_in_stock_reads_the_product():
    client = ScriptedWoo({("GET", "products/72"): {"manage_stock": True, "stock_quantity": 2}})
    gateway = WooCommerceActions(client)
    assert (gateway.variant_in_stock("72", 2), gateway.variant_in_stock("72", 3)) == (True, False)
    assert client.calls[0] == ("GET", "products/72", None)


def test_a_cancellation_refunded_by_hand_tells_both_in_its_currency():
    found = {"id": 87, "amount": "30.00", "reason": f"returnkit refund by hand {MARK}"}
    client = _woo(**{"GET_ALL orders/501/refunds": [found]})
    assert run(client, act.CancelOrder("501", "30.00", "EUR"))["refund_by_hand"] is True
    assert _sent(client, "POST")[0][1]["note"].startswith("Your refund of 30.00 EUR is on its way")


def test_the_orders_currency_rounds_a_refund_and_a_cancellation():
    yen = {**ORDER, "currency": "JPY", "total": "6000",
           "line_items": [{"id": 11, "quantity": 3, "total": "1000", "taxes": [{"id": 1, "total": ""}]}],
           "shipping_lines": [{"id": 21, "total": "500", "taxes": [{"id": 1, "total": "50"}]}]}
    client = _woo(**{"GET orders/501": yen, "POST orders/501/refunds": {"id": 89, "amount": "1"}})
    # one of three units of 1000: 333.33 rounds to 333 yen, its blank tax left out; 0.50 of the 500 shipping is 1
    # yen with no tax (0.05 rounds to 0): 334 in all
    run(client, _refund(currency="EUR", shipping="0.50"))
    assert _sent(client, "POST")[0][1] == {
        "amount": "334", "reason": f"returnkit refund {MARK}", "api_refund": True, "api_restock": False,
        "line_items": [{"id": 11, "quantity": 1, "refund_total": "333", "refund_tax": []},
                       {"id": 21, "refund_total": "1", "refund_tax": [{"id": 1, "refund_total": "0"}]}]}
    cancelled = _woo(**{"GET orders/501": yen, "POST orders/501/refunds": {"id": 90}})
    run(cancelled, act.CancelOrder("501", "30.40", "EUR"))
    assert _sent(cancelled, "POST")[0][1]["amount"] == "30"
