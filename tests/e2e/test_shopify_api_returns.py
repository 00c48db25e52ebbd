"""A return asked for through our API on Shopify opens a Shopify return (returnCreate, OPEN), exactly once
even when the answer is lost, and its prepaid label hangs off that return."""
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.request_models import Action
from integration.outbox.run import run_action
from integration.outbox.gateways import platform_gateway
from tests.e2e.test_return_labels import actions_of_kind, easypost, set_up_labels  # noqa: F401  (the fixture)
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, shopify  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY, replay

DEFECTIVE_HOODIE = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
                    "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2, "description": True}}


def ours(shopify):  # noqa: F811
    return {rid: ret for rid, ret in shopify.state.returns.items() if ret["order"] == f"gid://shopify/Order/{ORDER}"}


def test_an_approved_api_return_opens_a_shopify_return_and_the_label_hangs_off_it(client, rt, queue, shops, shopify,  # noqa: F811
                                                                                   easypost):  # noqa: F811
    set_up_labels(rt, shops["shopify"].id)
    replay(client, rt, queue, "shopify", STORY)
    decision = api_request(client, rt, shops, DEFECTIVE_HOODIE)[0].json["decision"]
    assert (decision["outcome"], decision["return_shipping_paid_by"]) == ("approved", "merchant")
    with rt.sessions() as session:
        assert [a.kind for a in session.scalars(select(Action).order_by(Action.id))] == [
            "create_return", "return_label", "order_note"]
    assert set(drain(rt)) == {"succeeded"}
    assert seen(shopify) == ["OrderReturns", "CreateReturn", "OrderReturns", "OrderShippingAddress", "ReturnForLabel",
                             "AttachReturnLabel", "OrderNote", "UpdateOrderNote"]
    created = dict(shopify.calls)["CreateReturn"]["input"]
    [fli] = [f for f in shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["fulfillments"][0]["fulfillmentLineItems"]
             ["nodes"] if f["lineItem"]["id"] == "gid://shopify/LineItem/9002"]
    assert created["returnLineItems"] == [{"fulfillmentLineItemId": fli["id"], "quantity": 1,
                                           "returnReasonNote": created["returnLineItems"][0]["returnReasonNote"]}]
    [(return_id, ret)] = ours(shopify).items()
    assert ret["status"] == "OPEN"
    [delivery] = ret["rfos"][0]["reverseDeliveries"]["nodes"]
    assert delivery["label"] == easypost.shipments[easypost.purchases[0]]["postage_label"]["label_url"]
    [create] = actions_of_kind(rt, "create_return")
    assert create.result["return"] == return_id


def test_a_lost_returncreate_answer_does_not_open_a_second_return(client, rt, queue, shops, shopify):  # noqa: F811
    replay(client, rt, queue, "shopify", STORY)
    api_request(client, rt, shops, DEFECTIVE_HOODIE)
    [create] = actions_of_kind(rt, "create_return")
    shopify.faults = [None, "lost"]           # the return is opened, and the answer lost
    assert run_action(rt, create.id, platform_gateway) == "retrying"
    with transaction(rt.sessions) as session:
        session.get(Action, create.id).next_attempt_at = utcnow()
    assert run_action(rt, create.id, platform_gateway) == "succeeded"
    assert seen(shopify).count("CreateReturn") == 1 and len(ours(shopify)) == 1
    assert actions_of_kind(rt, "create_return")[0].result["skipped"] == "already open"


def test_a_platform_return_is_approved_not_opened_again(client, rt, queue, shops, shopify):  # noqa: F811
    shopify.state.add_return("2220001", lines=[("7001", 1)])
    replay(client, rt, queue, "shopify", STORY + ["returns_request"])
    assert not actions_of_kind(rt, "create_return")


def test_a_line_shipped_in_two_fulfillments_is_returned_from_both_and_never_beyond_them():
    import pytest

    from adapters.http import PlatformError
    from adapters.shopify.returns import return_line_items

    def fulfillment(fli, qty):
        return {"fulfillmentLineItems": {"nodes": [{"id": fli, "quantity": qty,
                                                    "lineItem": {"id": "gid://shopify/LineItem/9"}}]}}
    order = {"fulfillments": [fulfillment("F1", 1), fulfillment("F2", 2)]}
    assert [(i["fulfillmentLineItemId"], i["quantity"]) for i in return_line_items(order, [["9", 3]], "m")] == [
        ("F1", 1), ("F2", 2)]
    with pytest.raises(PlatformError) as missing:
        return_line_items(order, [["9", 4]], "m")
    assert not missing.value.retryable
