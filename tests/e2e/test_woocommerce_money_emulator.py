"""The WooCommerce emulator answers refund and coupon calls as WooCommerce core does (the REST v3 refunds and
coupons controllers, RestApiUtil, wc_create_refund): what it refuses, what it keeps, how it pages."""
import pytest

from tests.emulators.woocommerce import PREFIX, WooCommerceEmulator
from tests.webhook_helpers import load_fixture

ORDER = "1201"   # 60.00: line 41 (2 x 20.00), line 42 (1 x 12.00), shipping line 43 (8.00)


@pytest.fixture()
def store():
    emulator = WooCommerceEmulator()
    emulator.add_order(load_fixture("woocommerce", "order_updated__delivered"))
    return emulator


def call(store, method: str, path: str, body=None, **args):
    response = store.app.test_client().open(f"{PREFIX}/{path}", method=method, json=body, query_string=args,
                                            auth=("ck_test", "cs_test"))
    return response.status_code, response.get_json(), response.headers


def refund(store, body):
    return call(store, "POST", f"orders/{ORDER}/refunds", {"api_refund": False, **body})


def test_an_amount_above_what_is_left_is_refused_as_wc_create_refund_does(store):
    store.add_refund(ORDER, "50.00", "earlier")
    status, answer, _ = refund(store, {"amount": "10.01"})
    assert (status, answer["code"], answer["message"]) == (
        500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
    # The controller's WP_Error carries a bare 400, not {"status": 400}: WordPress answers it with a 500.
    assert refund(store, {"amount": "-1.00"})[:2] == (500, {"code": "woocommerce_rest_invalid_order_refund",
                                                             "message": "Refund amount must be greater than zero.",
                                                             "data": 400})
    assert refund(store, {"amount": "10.00"})[0] == 201


def test_more_units_than_are_left_on_a_line_are_refused(store):
    line = {"id": 41, "quantity": 2, "refund_total": "40.00"}
    one = {**line, "quantity": 1, "refund_total": "20.00"}
    assert refund(store, {"amount": "20.00", "line_items": [one]})[0] == 201
    status, answer, _ = refund(store, {"amount": "40.00", "line_items": [line]})
    assert status == 400 and "41" in answer["message"] and len(store.refunds[ORDER]) == 1


def test_refunded_lines_are_kept_with_their_totals_and_taxes_and_the_amount_is_summed_when_left_out(store):
    lines = [{"id": 42, "quantity": 1, "refund_total": "12.00", "refund_tax": [{"id": 1, "refund_total": "0.80"}]},
             {"id": 43, "refund_total": "8.00"}, {"id": 999, "quantity": 1, "refund_total": "5.00"}]
    status, made, _ = refund(store, {"line_items": lines})
    assert status == 201 and made["amount"] == "25.80"   # RestApiUtil sums every line asked, 999 too
    [line] = made["line_items"]   # wc_create_refund keeps only the order's own items
    assert (line["quantity"], line["total"], line["taxes"], line["meta_data"][0]) == (
        -1, "-12.00", [{"id": 1, "total": "-0.80", "subtotal": "-0.80"}], {"key": "_refunded_item_id", "value": "42"})
    [shipping] = made["shipping_lines"]
    assert (shipping["total"], shipping["meta_data"][0]["value"]) == ("-8.00", "43")


def test_units_are_restocked_unless_api_restock_is_false(store):
    line = [{"id": 41, "quantity": 1, "refund_total": "20.00"}]
    refund(store, {"amount": "20.00", "line_items": line})   # api_restock left out: RestApiUtil makes it true
    refund(store, {"amount": "20.00", "line_items": line, "api_restock": False})
    assert store.restocked == [(ORDER, "41", 1)]
    assert [r["api_restock"] for r in store.refunds[ORDER]] == [True, False]


def test_refunds_are_listed_newest_first_ten_a_page_unless_asked_and_never_more_than_a_hundred(store):
    for n in range(25):
        store.add_refund(ORDER, "0.10", f"r{n}")
    status, first, headers = call(store, "GET", f"orders/{ORDER}/refunds")
    assert (status, len(first), first[0]["reason"], headers["X-WP-Total"], headers["X-WP-TotalPages"]) == (
        200, 10, "r24", "25", "3")
    assert [r["reason"] for r in call(store, "GET", f"orders/{ORDER}/refunds", per_page=20, page=2)[1]] == [
        "r4", "r3", "r2", "r1", "r0"]
    status, answer, _ = call(store, "GET", f"orders/{ORDER}/refunds", per_page=101)
    assert (status, answer["code"]) == (400, "rest_invalid_param")


def test_a_coupon_code_is_kept_lowercase_found_by_code_and_never_made_twice(store):
    body = {"code": "RK-ABC", "amount": "12.8", "discount_type": "fixed_cart", "usage_limit": 1,
            "email_restrictions": ["riley.tester@example.com"]}
    status, coupon, _ = call(store, "POST", "coupons", body)
    assert (status, coupon["code"], coupon["amount"], coupon["usage_limit"]) == (201, "rk-abc", "12.80", 1)
    status, answer, _ = call(store, "POST", "coupons", {**body, "code": "rk-abc"})
    assert (status, answer["code"]) == (400, "woocommerce_rest_coupon_code_already_exists")
    assert [c["id"] for c in call(store, "GET", "coupons", code="RK-ABC")[1]] == [coupon["id"]]
    assert call(store, "GET", "coupons", code="rk-other")[1] == []
