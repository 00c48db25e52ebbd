"""`exchange_for` on a request item: validated with the field named, taken by the API, its stock read from the
platform at decision time (and the policy's out-of-stock rule deciding when it is out)."""
import pytest

from integration.contract.case_schema import InvalidCase, load_case
from tests.e2e.exchange_world import SIZE_EXCHANGE, WANTED, ask, kaolate_store, stock, stored_request
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)
from tests.helpers import make_case


def _case(item: dict) -> dict:
    case = make_case()
    case["request"]["items"] = [{"line_item_id": case["order"]["line_items"][0]["id"], "quantity": 1, **item}]
    return case


def test_a_request_item_says_which_variant_it_wants_instead():
    loaded = load_case(_case({"exchange_for": {"variant_id": "gid://shopify/ProductVariant/8003", "quantity": 1}}))
    want = loaded.request.items[0].exchange_for
    assert (want.variant_id, want.quantity) == ("gid://shopify/ProductVariant/8003", 1)
    assert load_case(_case({})).request.items[0].exchange_for is None


@pytest.mark.parametrize("bad, named", [
    ({}, "request.items[0].exchange_for.variant_id"),
    ({"variant_id": 8003}, "request.items[0].exchange_for.variant_id"),
    ({"variant_id": "8 003"}, "request.items[0].exchange_for.variant_id"),
    ({"variant_id": "8003", "quantity": 0}, "request.items[0].exchange_for.quantity"),
    ({"variant_id": "8003", "size": "L"}, "request.items[0].exchange_for.size"),
])
def test_a_bad_exchange_for_names_its_field(bad, named):
    with pytest.raises(InvalidCase) as refused:
        load_case(_case({"exchange_for": bad}))
    assert refused.value.errors[0].startswith(named + ":"), refused.value.errors


def test_the_api_refuses_a_bad_exchange_for_with_422_naming_it(client, rt, queue, shops, woo):
    key = kaolate_store(client, rt, queue, shops)
    bad = {**SIZE_EXCHANGE, "items": [{"line_item_id": "41", "quantity": 1, "exchange_for": {"variant": WANTED}}]}
    response = ask(client, key, bad)
    assert response.status_code == 422
    fields = [e["field"] for e in response.json["errors"]]
    assert "request.items[0].exchange_for.variant" in fields


def test_in_stock_the_size_exchange_is_approved_and_the_platform_was_asked(client, rt, queue, shops, woo):
    key = kaolate_store(client, rt, queue, shops)
    stock(woo, units=3)
    response = ask(client, key, SIZE_EXCHANGE)
    assert response.status_code == 201, response.json
    decision = response.json["decision"]
    assert (decision["outcome"], decision["resolution"], decision["rules"]) == ("approved", "exchange",
                                                                               ["size-exchange"])
    item = stored_request(rt, response.json["request_id"])["items"][0]
    assert (item["exchange_for"], item["exchange_in_stock"]) == ({"variant_id": WANTED}, True)
    assert ("GET", f"products/{WANTED}", None) in woo.calls


def test_out_of_stock_at_decision_the_policy_s_out_of_stock_rule_decides(client, rt, queue, shops, woo):
    key = kaolate_store(client, rt, queue, shops)
    stock(woo, units=0)
    decision = ask(client, key, SIZE_EXCHANGE).json["decision"]
    assert (decision["rules"], decision["resolution"]) == (["size-exchange-out-of-stock"], "refund")


def test_the_customer_s_own_answer_on_stock_is_not_asked_again(client, rt, queue, shops, woo):
    key = kaolate_store(client, rt, queue, shops)
    told = {**SIZE_EXCHANGE, "items": [{**SIZE_EXCHANGE["items"][0], "exchange_in_stock": False}]}
    assert ask(client, key, told).json["decision"]["rules"] == ["size-exchange-out-of-stock"]
    assert not any(c[1].startswith("products/") for c in woo.calls)
