"""WooCommerce replacements and exchanges, request by request: the exact REST paths and bodies sent
(adapters/woocommerce/orders_out.py, exchanges.py), every figure worked out by hand from the order below."""
from decimal import Decimal

import pytest

from adapters.http import PlatformError
from adapters.woocommerce import exchanges, orders_out
from integration.domain import actions as act
from tests.adapters.scripted_platform import ScriptedWoo

BILLING = {"first_name": "Ada", "email": "ada@example.com"}
SHIPPING = {"first_name": "Ada", "address_1": "1 Main St"}
ORIGINAL = {"id": "501", "currency": "EUR", "customer_id": 7, "billing": BILLING, "shipping": SHIPPING,
            # line 11: 2 units paid 30.00 (15.00 each); line 12: 1 unit paid 9.99; line 13: no product any more
            "line_items": [{"id": 11, "product_id": 70, "variation_id": 71, "quantity": 2, "total": "30.00"},
                           {"id": 12, "product_id": 80, "variation_id": None, "quantity": 1, "total": "9.99"},
                           {"id": 13, "product_id": 0, "quantity": 1, "total": "5.00"}]}
CHILD = {"id": 900, "meta_data": [{"key": "_returnkit_marker", "value": "rk-m1"}]}
OTHER_CHILD = {"id": 899, "meta_data": [{"key": "_returnkit_original_order", "value": "rk-m1"},
                                        {"key": "_returnkit_marker", "value": "rk-m0"}]}


def test_a_replacement_looks_among_the_children_then_posts_this_exact_order():
    client = ScriptedWoo({("GET_ALL", "orders"): [{"id": 898}, OTHER_CHILD], ("GET", "orders/501"): ORIGINAL,
                          ("POST", "orders"): {"id": 901}})
    made = orders_out.create_replacement(client, act.CreateReplacement("501", [[11, "2"], ["12", 1]], "rk-m1"))
    assert made == ({"id": 901}, False)
    title = "returnkit replacement (no charge)"
    assert client.calls == [
        ("GET_ALL", "orders", {"params": {"parent": "501"}, "max_pages": 20}), ("GET", "orders/501", None),
        ("POST", "orders", {
            "parent_id": 501, "set_paid": True, "currency": "EUR", "customer_id": 7, "billing": BILLING,
            "shipping": SHIPPING, "payment_method_title": title,
            "line_items": [{"product_id": 70, "variation_id": 71, "quantity": 2, "subtotal": "0.00", "total": "0.00"},
                           {"product_id": 80, "variation_id": 0, "quantity": 1, "subtotal": "0.00", "total": "0.00"}],
            "shipping_lines": [{"method_id": "free_shipping", "method_title": title, "total": "0.00"}],
            "meta_data": [{"key": "_returnkit_marker", "value": "rk-m1"},
                          {"key": "_returnkit_original_order", "value": "501"}]})]


def test_a_replacement_found_among_the_children_is_not_made_again():
    client = ScriptedWoo({("GET_ALL", "orders"): [OTHER_CHILD, CHILD]})
    assert orders_out.create_replacement(client, act.CreateReplacement("501", [[11, 1]], "rk-m1")) == (CHILD, True)
    assert [c[0] for c in client.calls] == ["GET_ALL"]


def test_a_replacement_for_a_gone_order_fails_for_good():
    client = ScriptedWoo({("GET_ALL", "orders"): [], ("GET", "orders/501"): None})
    with pytest.raises(PlatformError) as error:
        orders_out.create_replacement(client, act.CreateReplacement("501", [[11, 1]], "rk-m1"))
    assert (str(error.value), error.value.retryable) == ("woocommerce: order 501 is gone", False)


@pytest.mark.parametrize("line", [13, 14])
def test_a_line_without_a_product_is_shipped_by_hand(line):
    with pytest.raises(PlatformError) as error:
        orders_out.replacement_body(ORIGINAL, act.CreateReplacement("501", [[line, 1]], "rk-m1"))
    assert str(error.value) == (f"woocommerce: line {line} of order 501 has no product to send again: ship its "
                                "replacement by hand")
    assert error.value.retryable is False


def test_an_order_without_customer_or_addresses_gets_guest_defaults():
    bare = {"id": 502, "line_items": [{"id": 11, "product_id": 70}]}
    body = orders_out.replacement_body(bare, act.CreateReplacement("502", [[11, 1]], "m"))
    assert (body["customer_id"], body["billing"], body["shipping"], body["currency"]) == (0, {}, {}, None)
    assert body["meta_data"][1] == {"key": "_returnkit_original_order", "value": "502"}


@pytest.mark.parametrize("order, expected", [({}, None), ({"meta_data": None}, None), (OTHER_CHILD, "rk-m0"),
                                             ({"meta_data": [{"key": "_returnkit_marker"}]}, None)])
def test_meta_reads_one_key(order, expected):
    assert orders_out.meta(order, "_returnkit_marker") == expected


@pytest.mark.parametrize("product, quantity, expected", [
    ({"stock_status": "outofstock", "manage_stock": False}, 1, False),
    ({"stock_status": "outofstock", "backorders": "yes"}, 1, False),
    ({"stock_status": "instock", "manage_stock": False, "stock_quantity": 0}, 9, True),
    ({"manage_stock": True, "backorders": "notify", "stock_quantity": 0}, 9, True),
    ({"manage_stock": True, "backorders": "yes", "stock_quantity": 0}, 9, True),
    ({"manage_stock": True, "backorders": "no", "stock_quantity": 3}, 3, True),
    ({"manage_stock": True, "backorders": "no", "stock_quantity": 2}, 3, False),
    ({"manage_stock": True, "stock_quantity": None}, 1, False),
    ({"manage_stock": True, "stock_quantity": None}, 0, True),
])
def test_in_stock_reads_the_products_stock_fields(product, quantity, expected):
    assert exchanges.in_stock(product, quantity) is expected


DEAR = {"id": 72, "parent_id": 70, "price": "19.99", "stock_status": "instock"}      # a variation
CHEAP = {"id": 81, "parent_id": 0, "price": "4", "manage_stock": True, "stock_quantity": 0}   # a product, none left


def test_each_wanted_line_costs_the_difference_per_unit_to_the_cent():
    wants = [[11, 72, "2"], ["12", 81, 1]]
    lines = exchanges.priced_lines(ORIGINAL, wants, {"72": DEAR, "81": CHEAP})
    # (19.99 - 15.00) x 2 = 9.98 owed; (4.00 - 9.99) x 1 = -5.99: 5.99 back
    assert lines == [{"product": DEAR, "quantity": 2, "owed": Decimal("9.98"), "back": Decimal("0.00")},
                     {"product": CHEAP, "quantity": 1, "owed": Decimal("0.00"), "back": Decimal("5.99")}]
    assert [str(line["back"]) for line in lines] == ["0.00", "5.99"]


def test_a_line_without_quantity_counts_as_one_unit_and_the_currency_rounds():
    original = {"id": 503, "currency": "JPY", "line_items": [{"id": 1, "total": "1000"}]}
    (line,) = exchanges.priced_lines(original, [[1, 5, 1]], {"5": {"id": 5, "price": "1500.4"}})
    assert (str(line["owed"]), str(line["back"])) == ("500", "0")
    (usd,) = exchanges.priced_lines({**original, "currency": None}, [[1, 5, 1]], {"5": {"id": 5, "price": "1000.456"}})
    assert str(usd["owed"]) == "0.46"


TAXED = {"id": "502", "currency": "EUR", "line_items": [
    {"id": 21, "quantity": 2, "total": "30.00", "total_tax": "6.00"}]}   # 15.00 each before tax, at 20 %


def test_the_difference_is_compared_before_tax_and_what_comes_back_carries_its_tax():
    # The returned unit: 15.00 before tax at 20 %. A variant at 12.00: 3.00 less each, 3.60 with its tax, x 2.
    (cheaper,) = exchanges.priced_lines(TAXED, [[21, 5, 2]], {"5": {"id": 5, "price": "12.00"}})
    assert (str(cheaper["owed"]), str(cheaper["back"])) == ("0.00", "7.20")
    # Dearer: 4.00 more before tax each, owed 8.00 (WooCommerce adds the new order's tax itself when it totals it).
    (dearer,) = exchanges.priced_lines(TAXED, [[21, 6, 2]], {"6": {"id": 6, "price": "19.00"}})
    assert (str(dearer["owed"]), str(dearer["back"])) == ("8.00", "0.00")
    # A store that enters prices with tax: 14.40 with tax is 12.00 before it, so again 7.20 back.
    (inclusive,) = exchanges.priced_lines({**TAXED, "prices_include_tax": True}, [[21, 5, 2]],
                                          {"5": {"id": 5, "price": "14.40"}})
    assert (str(inclusive["owed"]), str(inclusive["back"])) == ("0.00", "7.20")
    # The same price with tax as paid: nothing either way.
    (same,) = exchanges.priced_lines({**TAXED, "prices_include_tax": True}, [[21, 5, 1]],
                                     {"5": {"id": 5, "price": "18.00"}})
    assert (str(same["owed"]), str(same["back"])) == ("0.00", "0.00")


def test_a_wanted_line_not_on_the_order_fails_for_good():
    with pytest.raises(PlatformError) as error:
        exchanges.priced_lines(ORIGINAL, [[19, 72, 1]], {"72": DEAR})
    assert (str(error.value), error.value.retryable) == ("woocommerce: order 501 has no line 19", False)


def _exchange(**kw) -> act.CreateExchange:
    base = dict(order_id="501", wants=[[11, 72, 2], [12, 81, 1]], marker="rk-x1", currency="EUR",
                review_tag="returnkit-review")
    return act.CreateExchange(**{**base, **kw})


def _lines(owed: str, back: str = "0.00") -> list[dict]:
    return [{"product": DEAR, "quantity": 2, "owed": Decimal(owed), "back": Decimal("0.00")},
            {"product": CHEAP, "quantity": 1, "owed": Decimal("0.00"), "back": Decimal(back)}]


def test_an_exchange_owing_money_is_a_pending_child_order_priced_at_the_difference():
    body = exchanges.exchange_body(ORIGINAL, _exchange(), _lines("9.98", "5.99"))
    title = "returnkit exchange"
    assert body == {
        "parent_id": 501, "currency": "EUR", "customer_id": 7, "billing": BILLING, "shipping": SHIPPING,
        "payment_method_title": title,
        "line_items": [{"product_id": 70, "variation_id": 72, "quantity": 2, "subtotal": "9.98", "total": "9.98"},
                       {"product_id": 81, "variation_id": 0, "quantity": 1, "subtotal": "0.00", "total": "0.00"}],
        "shipping_lines": [{"method_id": "free_shipping", "method_title": title, "total": "0.00"}],
        "meta_data": [{"key": "_returnkit_marker", "value": "rk-x1"},
                      {"key": "_returnkit_original_order", "value": "501"}],
        "status": "pending"}


def test_an_exchange_owing_nothing_is_paid_and_a_guest_order_gets_defaults():
    body = exchanges.exchange_body({"id": "504", "line_items": []}, _exchange(), _lines("0.00"))
    assert body["set_paid"] is True and "status" not in body
    assert (body["customer_id"], body["billing"], body["shipping"], body["currency"]) == (0, {}, {}, None)


@pytest.mark.parametrize("amount, api_refund", [(Decimal("5.99"), True), (Decimal("0.50"), True),
                                               (Decimal("0"), False)])
def test_the_difference_refund_has_no_lines_and_restocks_nothing(amount, api_refund):
    assert exchanges.difference_body(amount, "[rk-x1-difference]") == {
        "amount": str(amount), "reason": "returnkit exchange difference [rk-x1-difference]", "api_refund": api_refund,
        "api_restock": False, "line_items": []}


def test_the_plan_reads_children_order_and_products_and_names_what_is_short():
    client = ScriptedWoo({("GET_ALL", "orders"): [OTHER_CHILD], ("GET", "orders/501"): ORIGINAL,
                          ("GET", "products/72"): DEAR, ("GET", "products/81"): CHEAP})
    found, original, lines, short = exchanges.plan_exchange(client, _exchange())
    assert (found, original, short) == (None, ORIGINAL, ["81"])
    assert [line["owed"] for line in lines] == [Decimal("9.98"), Decimal("0.00")]
    assert client.calls == [("GET_ALL", "orders", {"params": {"parent": "501"}, "max_pages": 20}),
                            ("GET", "orders/501", None), ("GET", "products/72", None), ("GET", "products/81", None)]


def test_once_made_nothing_is_short():
    client = ScriptedWoo({("GET_ALL", "orders"): [CHILD], ("GET", "orders/501"): ORIGINAL,
                          ("GET", "products/72"): DEAR, ("GET", "products/81"): CHEAP})
    assert exchanges.plan_exchange(client, _exchange(marker="rk-m1"))[::3] == (CHILD, [])


@pytest.mark.parametrize("answers, message", [
    ({("GET", "orders/501"): None}, "woocommerce: order 501 is gone"),
    ({("GET", "orders/501"): ORIGINAL, ("GET", "products/72"): DEAR, ("GET", "products/81"): {}},
     "woocommerce: product 81 is gone: choose another"),
])
def test_a_gone_order_or_product_fails_for_good(answers, message):
    with pytest.raises(PlatformError) as error:
        exchanges.plan_exchange(ScriptedWoo({("GET_ALL", "orders"): [], **answers}), _exchange())
    assert (str(error.value), error.value.retryable) == (message, False)


def test_refusal_names_the_short_variants_or_the_difference_the_policy_does_not_let_pay():
    assert exchanges.refusal(_exchange(), _lines("0.00"), ["81", "72"]) == act.exchange_out_of_stock(["81", "72"])
    assert exchanges.refusal(_exchange(), _lines("9.98"), []) == (
        "returnkit: the exchange costs 9.98 EUR more than was paid and the policy does not let the customer pay a "
        "difference: decide it on review.")
    assert exchanges.refusal(_exchange(pay_difference=True), _lines("9.98"), []) is None
    assert exchanges.refusal(_exchange(), _lines("0.00", "5.99"), []) is None


def test_a_line_paid_nothing_costs_the_whole_price():
    original = {"id": 505, "currency": "EUR", "line_items": [{"id": 1, "quantity": 1, "total": None}]}
    (line,) = exchanges.priced_lines(original, [[1, 5, 1]], {"5": {"id": 5, "price": "3.00"}})
    assert (str(line["owed"]), str(line["back"])) == ("3.00", "0.00")
