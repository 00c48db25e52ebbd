"""A customer's own Shopify return that asks for another size (exchange line items on the return): decided as an
exchange with its wanted variant and that variant's stock, and once inspected processed with those items, once."""
import json
from pathlib import Path

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.shops.core import issue_api_key
from tests.e2e.test_exchanges_shopify import VARIANT, inspect
from tests.e2e.test_shopify_actions import ORDER, drain, seen, shopify  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import post

SAMPLE = Path(__file__).parents[1] / "fixtures" / "platform_samples" / "shopify" / "docs_returns_request.json"
RETURN = "2220009"


def requested_with_exchange(client, rt, queue, shopify, units: int = 3) -> tuple[int, dict, dict]:
    """The customer's return of one tee (M) for an L, as Shopify's returns/request sample sends it (lines and
    exchange items counted, not listed); the request it became: its id, request and decision."""
    shopify.state.set_stock("8003", units)
    return_id = shopify.state.request_return(RETURN, ORDER, [("9001", 1, "too-small", None)])
    assert shopify.state.add_exchanges(shopify.state.returns[return_id], [{"variantId": VARIANT, "quantity": 1}]) is None
    replay(client, rt, queue, "shopify", STORY)
    body = json.loads(SAMPLE.read_text())
    body.update(id=int(RETURN), admin_graphql_api_id=f"gid://shopify/Return/{RETURN}", total_return_line_items=1,
                total_exchange_line_items=1,
                order={"id": int(ORDER), "admin_graphql_api_id": f"gid://shopify/Order/{ORDER}"})
    assert body["exchange_line_items"] == [] and body["return_line_items"] == []
    response = post(client, "shopify", "returns/request", body, X_Shopify_Triggered_At="2026-05-12T10:00:00-06:00")
    assert response.status_code == 200
    replay(client, rt, queue, "shopify", [])
    with rt.sessions() as session:
        case = session.scalar(select(ReturnCase).where(ReturnCase.source_ref == RETURN))
        return case.id, case.request, case.decisions[-1].document


def api_key(rt, shops) -> str:
    with transaction(rt.sessions) as session:
        return issue_api_key(session.get(Shop, shops["shopify"].id))


def test_a_customers_return_with_an_exchange_item_is_an_exchange_processed_once(client, rt, queue, shops, shopify):
    case_id, request, decision = requested_with_exchange(client, rt, queue, shopify)
    [item] = request["items"]
    assert request["type"] == "exchange"
    assert (item["exchange_for"], item["exchange_in_stock"]) == ({"variant_id": "8003", "quantity": 1}, True)
    assert (decision["outcome"], decision["resolution"]) == ("approved", "exchange")
    assert "ReturnExchanges" in seen(shopify) and "VariantStock" in seen(shopify)
    assert set(drain(rt)) == {"succeeded"}
    assert "ProcessReturn" not in seen(shopify)           # the exchange waits for the returned tee
    inspect(client, api_key(rt, shops), case_id)
    assert set(drain(rt)) == {"succeeded"}
    assert seen(shopify).count("ProcessReturn") == 1
    [process] = [v["input"] for name, v in shopify.calls if name == "ProcessReturn"]
    assert [i["quantity"] for i in process["exchangeLineItems"]] == [1]
    [released] = shopify.state.exchange_orders()
    assert (released["status"], released["lines"]) == ("OPEN", [(VARIANT, 1)])
    assert shopify.state.stock()[VARIANT]["inventoryQuantity"] == 2
    assert shopify.refunded(ORDER) == 0


def test_a_wanted_variant_out_of_stock_at_decision_time_is_decided_as_out_of_stock(client, rt, queue, shops, shopify):
    _case_id, request, decision = requested_with_exchange(client, rt, queue, shopify, units=0)
    assert request["items"][0]["exchange_in_stock"] is False
    assert decision["resolution"] != "exchange"
