"""A Shopify return request whose webhook carries no lines is decided only on the lines read over GraphQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.http import PlatformError
from adapters.shopify.client import client_for
from adapters.shopify.parse import RETURN_PARSERS
from adapters.shopify.return_lines import read_return, return_seen
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.db.request_models import ReturnCase
from integration.inbox.process import process_delivery
from integration.requests.platform_returns import reason_of
from tests.adapters.test_real_payloads import no_products, replay, sample, send
from tests.adapters.test_real_payloads_inbound import (DOCS_RETURN, HOODIE, TEE, US_ORDER,  # noqa: F401
                                                       shopify_23301)
from tests.helpers import NO_QUEUE

LINELESS = "docs_returns_request__remap23301"


def test_shopify_reason_handles_and_enum_values_map_to_the_contracts_reasons():
    assert {h: reason_of(h) for h in ("damaged-or-defective", "received-the-wrong-item", "item-not-as-described",
                                      "too-small", "too-big", "color", "style", "changed-my-mind", "arrived-late",
                                      "other-reason", "unknown")} == {
        "damaged-or-defective": "defective", "received-the-wrong-item": "wrong_item",
        "item-not-as-described": "not_as_described", "too-small": "ordered_wrong_variant",
        "too-big": "ordered_wrong_variant", "color": "ordered_wrong_variant", "style": "changed_mind",
        "changed-my-mind": "changed_mind", "arrived-late": "late_delivery", "other-reason": "other", "unknown": "other"}
    assert [reason_of(w) for w in ("DEFECTIVE", " unwanted ", "size_too_small")] == [
        "defective", "changed_mind", "ordered_wrong_variant"]   # the webhooks' ReturnReason values still map
    # Category-specific handles of Shopify's taxonomy, and none at all, fall back to "other".
    assert [reason_of(w) for w in ("too-tight", "comfort", "", None)] == ["other"] * 4


def test_a_webhook_says_whether_it_carries_every_line():
    def known(name, **changes):
        return RETURN_PARSERS["returns/request"]({**sample("shopify", name), **changes})[0].lines_known
    assert not known(LINELESS) and known("real_returns_request__1106_R2")
    one = sample("shopify", "real_returns_request__1106_R2")["return_line_items"]
    assert not known("real_returns_request__1106_R2", total_return_line_items=2, return_line_items=one)
    assert not known("real_returns_request__1106_R2", return_line_items=[*one, {"quantity": 1}])   # names no line


def _item(line, quantity, handle=None, note=None):
    return {"quantity": quantity, "customerNote": note, "returnReasonNote": None,
            "returnReasonDefinition": {"handle": handle, "name": handle} if handle else None,
            "fulfillmentLineItem": {"lineItem": {"id": f"gid://shopify/LineItem/{line}"}}}


def test_a_graphql_return_becomes_its_event_with_a_line_returned_twice_added_up():
    node = {"id": "gid://shopify/Return/9", "status": "REQUESTED", "order": {"id": "gid://shopify/Order/5"},
            "returnLineItems": {"nodes": [_item(7, 1, "too-big", "Runs large"), _item(8, 2), _item(7, 1)]}}
    seen = return_seen(node)
    assert (seen.order_id, seen.return_id, seen.status, seen.line_quantities) == ("5", "9", "requested",
                                                                                 (("7", 2), ("8", 2)))
    assert (seen.reason, seen.note, seen.lines_known) == ("too-big", "Runs large", True)
    # An UnverifiedReturnLineItem answers the ReturnLineItem fragment with nothing: the lines are not all known.
    node["returnLineItems"]["nodes"].append({})
    assert not return_seen(node).lines_known


def test_the_emulated_returns_answer_the_query_as_shopify_shapes_it(rt, shops, shopify_23301):
    with rt.sessions() as session:
        client = client_for(session.get(Shop, shops["shopify"].id), 5)
    seen = read_return(client, DOCS_RETURN)
    assert (seen.order_id, seen.line_quantities, seen.reason, seen.note) == (
        US_ORDER, ((HOODIE, 1), (TEE, 1)), "damaged-or-defective", "The seam split")
    assert read_return(client, "404") is None
    # A return added without reasons (ShopState.add_return) answers them as null.
    shopify_23301.state.add_return("77", lines=[(_fli(shopify_23301, TEE), 1)])
    assert (read_return(client, "77").reason, read_return(client, "77").line_quantities) == (None, ((TEE, 1),))


def _fli(emulator, line: str) -> str:
    [fulfillment] = emulator.state.orders[f"gid://shopify/Order/{US_ORDER}"]["fulfillments"]
    return next(n["id"] for n in fulfillment["fulfillmentLineItems"]["nodes"]
                if n["lineItem"]["id"] == f"gid://shopify/LineItem/{line}")


def _deliver(client, rt, queue) -> int:
    replay(client, rt, queue, "shopify", ["real_orders_fulfilled__us_23301"])
    assert send(client, "shopify", LINELESS).status_code == 200
    [delivery_id] = queue
    queue.clear()
    return delivery_id


def _state(rt, delivery_id: int) -> tuple:
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, delivery_id)
        return row.status, row.error, session.scalars(select(ReturnCase)).all()


def test_a_failed_read_retries_the_delivery_and_never_decides_it_as_the_whole_order(client, rt, queue, shops,
                                                                                     shopify_23301):
    delivery_id = _deliver(client, rt, queue)
    shopify_23301.faults = ["500"]
    with pytest.raises(PlatformError) as failed:
        process_delivery(rt, delivery_id, no_products, NO_QUEUE)
    assert failed.value.retryable and _state(rt, delivery_id) == ("received", None, [])
    assert process_delivery(rt, delivery_id, no_products, NO_QUEUE) == "processed"
    [case] = _state(rt, delivery_id)[2]
    assert [i["line_item_id"] for i in case.request["items"]] == [HOODIE, TEE]


def test_a_return_shopify_does_not_hold_fails_its_delivery_naming_why(client, rt, queue, shops, shopify_23301):
    del shopify_23301.state.returns[f"gid://shopify/Return/{DOCS_RETURN}"]
    delivery_id = _deliver(client, rt, queue)
    assert process_delivery(rt, delivery_id, no_products, NO_QUEUE) == "failed"
    status, error, cases = _state(rt, delivery_id)
    assert cases == [] and error == (f"LinesUnreadable: return {DOCS_RETURN}: the platform has no such return; "
                                     "decide it in the platform's admin")


def test_without_api_access_a_lineless_request_fails_instead_of_taking_the_whole_order(client, rt, queue, shops):
    delivery_id = _deliver(client, rt, queue)
    assert process_delivery(rt, delivery_id, no_products, NO_QUEUE) == "failed"
    status, error, cases = _state(rt, delivery_id)
    assert cases == [] and "its webhook names none of its lines" in error and "no API access" in error
    with transaction(rt.sessions) as session:
        assert session.get(Shop, shops["shopify"].id).api_token is None
