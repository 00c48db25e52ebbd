"""A Kaolate size exchange from our API on Shopify: the exchange rides on the return we open (returnCreate with
exchangeLineItems: one fulfillment order on the original order, held for the return), and once the return is
inspected returnProcess confirms it exactly once, whatever answers are lost; out of stock by then, a review tag and
a staff note instead."""
from integration.db.request_models import ReturnCase
from tests.e2e.exchange_world import action_kinds, kaolate_with, use_policy_text
from tests.e2e.test_replacements import make_due, run_again
from tests.e2e.test_shopify_actions import api_request, drain, seen, shopify  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY, replay

VARIANT = "gid://shopify/ProductVariant/8003"   # the tee in size L; the order has it in M (variant 8001)
SIZE_EXCHANGE = {"type": "exchange", "reason": "ordered_wrong_variant", "submitted_at": "2026-05-12T10:00:00-06:00",
                 "items": [{"line_item_id": "9001", "quantity": 1, "exchange_for": {"variant_id": "8003"}}]}


def approved(client, rt, queue, shops, shopify) -> tuple[int, str]:
    """The exchange approved, its return opened with the exchange on it; the request id and the API key."""
    replay(client, rt, queue, "shopify", STORY)
    response, key = api_request(client, rt, shops, SIZE_EXCHANGE)
    decision = response.json["decision"]
    assert (decision["outcome"], decision["resolution"], decision["rules"]) == ("approved", "exchange",
                                                                               ["size-exchange"])
    assert "VariantStock" in seen(shopify)      # the stock was read at decision time
    assert set(drain(rt)) == {"succeeded"}
    [(name, variables)] = [c for c in shopify.calls if c[0] == "CreateReturn"]
    assert variables["input"]["exchangeLineItems"] == [{"variantId": VARIANT, "quantity": 1}]
    [held] = shopify.state.exchange_orders()
    assert (held["status"], held["holds"], held["lines"]) == ("ON_HOLD", ["AWAITING_RETURN_ITEMS"], [(VARIANT, 1)])
    assert "create_exchange" not in action_kinds(rt)
    return response.json["request_id"], key


def inspect(client, key: str, case_id: int) -> None:
    response = client.post(f"/api/v1/requests/{case_id}/inspection", json={"items": {"9001": "unused"}},
                           headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.json


def test_an_inspected_size_exchange_is_processed_once_and_shopify_releases_one_exchange_order(
        client, rt, queue, shops, shopify):
    shopify.state.set_stock("8003", 3)
    case_id, key = approved(client, rt, queue, shops, shopify)
    inspect(client, key, case_id)
    shopify.faults.extend(["", "", "", "", "lost"])   # our return found, its exchange, stock, the return: answer lost
    assert drain(rt)[0] == "retrying"
    make_due(rt)
    assert set(drain(rt)) == {"succeeded"}
    assert run_again(rt, shops["shopify"].id, "create_exchange")["skipped"] == "already processed"
    assert seen(shopify).count("ProcessReturn") == 1
    [process] = [v["input"] for name, v in shopify.calls if name == "ProcessReturn"]
    assert [i["quantity"] for i in process["exchangeLineItems"]] == [1] and "financialTransfer" not in process
    [released] = shopify.state.exchange_orders()
    assert (released["status"], released["holds"], released["lines"]) == ("OPEN", [], [(VARIANT, 1)])
    assert shopify.state.stock()[VARIANT]["inventoryQuantity"] == 2
    with rt.sessions() as session:
        assert session.get(ReturnCase, case_id).request["items"][0]["exchange_in_stock"] is True


def test_out_of_stock_when_the_return_is_in_it_is_tagged_for_review_with_a_staff_note(
        client, rt, queue, shops, shopify):
    shopify.state.set_stock("8003", 1)
    case_id, key = approved(client, rt, queue, shops, shopify)
    shopify.state.set_stock("8003", 0)     # sold out while the parcel travelled
    inspect(client, key, case_id)
    assert set(drain(rt)) == {"succeeded"}
    assert "ProcessReturn" not in seen(shopify)
    order = shopify.state.orders["gid://shopify/Order/5550001"]
    assert "returnkit-review" in order["tags"] and f"variant {VARIANT} is out of stock" in order["note"]
    assert shopify.state.exchange_orders()[0]["status"] == "ON_HOLD"


def test_an_instant_exchange_is_released_at_approval_and_the_return_stays_open_for_its_parcel(
        client, rt, queue, shops, shopify):
    use_policy_text(rt, shops["shopify"].id, kaolate_with("exchange: {instant: true}"))
    shopify.state.set_stock("8003", 3)
    replay(client, rt, queue, "shopify", STORY)
    response, key = api_request(client, rt, shops, SIZE_EXCHANGE)
    assert response.json["decision"]["exchange"] == {"instant": True, "pay_difference": False}
    assert set(drain(rt)) == {"succeeded"}
    [released] = shopify.state.exchange_orders()
    assert (released["status"], released["lines"]) == ("OPEN", [(VARIANT, 1)])
    [(return_id, opened)] = list(shopify.state.returns.items())
    assert opened["status"] == "OPEN"       # the merchant still waits for the parcel
    inspect(client, key, response.json["request_id"])
    assert set(drain(rt)) == {"succeeded"}
    assert shopify.state.returns[return_id]["status"] == "CLOSED"
    assert len(shopify.state.exchange_orders()) == 1 and shopify.state.stock()[VARIANT]["inventoryQuantity"] == 2
    assert seen(shopify).count("ProcessReturn") == 2   # the exchange at approval, the returned tee at arrival
