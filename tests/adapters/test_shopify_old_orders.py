"""Orders older than 60 days: Shopify answers null for them without read_all_orders, and returnkit says so."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from adapters.base import Ledger
from adapters.http import PlatformError
from adapters.shopify.client import client_for
from adapters.shopify.documents import ORDER_NOTE
from adapters.shopify.reconcile import changed_orders
from adapters.shopify.scopes import SCOPES
from integration.db.models import Shop
from integration.db.request_models import Action
from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.outbox.gateways import gateways_for
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, shopify  # noqa: F401  (the fixture)
from tests.emulators.shopify_orders_state import order_node
from tests.adapters.test_real_payloads import sample
from tests.orders.test_picture import STORY, replay

WITHOUT_ALL_ORDERS = [s for s in SCOPES if s != "read_all_orders"]
DEFECTIVE_HOODIE = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
                    "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2, "description": True}}


def _client(rt, shops):
    with rt.sessions() as session:
        return client_for(session.get(Shop, shops["shopify"].id), 5)


def _gateway(rt, shops):
    with rt.sessions() as session:
        return gateways_for(rt)(session.get(Shop, shops["shopify"].id))


def _names_the_scope(error: PlatformError) -> bool:
    return not error.retryable and "read_all_orders" in str(error) and "60 days" in str(error)


def test_the_emulator_hides_orders_older_than_60_days_from_a_token_without_read_all_orders(rt, shops, shopify):
    client, gid = _client(rt, shops), f"gid://shopify/Order/{ORDER}"
    shopify.state.place_order(ORDER, days_ago=61)
    shopify.state.add_order_node(order_node(sample("shopify", "real_orders_fulfilled__us_23301")))   # placed in 2021
    assert client.graphql(ORDER_NOTE, {"id": gid})["order"] == {"id": gid, "note": ""}   # granted by default
    assert _swept(client) == ["gid://shopify/Order/2628173987889"]
    shopify.state.grant(WITHOUT_ALL_ORDERS)
    assert client.graphql(ORDER_NOTE, {"id": gid})["order"] is None and _swept(client) == []
    shopify.state.place_order(ORDER, days_ago=59)
    assert client.graphql(ORDER_NOTE, {"id": gid})["order"] is not None
    shopify.state.grant(SCOPES)   # the merchant accepted read_all_orders
    assert _swept(client) == ["gid://shopify/Order/2628173987889"]


def _swept(client) -> list[str]:
    return [node["id"] for page in changed_orders(client, datetime(2000, 1, 1, tzinfo=timezone.utc)) for node in page]


def test_opening_a_return_on_an_old_order_without_the_scope_fails_once_naming_it(client, rt, queue, shops, shopify):
    replay(client, rt, queue, "shopify", STORY)
    api_request(client, rt, shops, DEFECTIVE_HOODIE)
    shopify.state.grant(WITHOUT_ALL_ORDERS)
    shopify.state.place_order(ORDER, days_ago=90)
    drain(rt)
    with rt.sessions() as session:
        [create] = session.scalars(select(Action).where(Action.kind == "create_return")).all()
        assert (create.state, create.attempts) == ("dead", 1)
        assert "read_all_orders" in create.last_error and "open returnkit in Shopify admin again" in create.last_error
    with pytest.raises(PlatformError) as refused:
        _gateway(rt, shops).perform("create_return", payload_json(act.CreateReturn(ORDER, [["9002", 1]], "m", None)),
                                    "returnkit-1-0-create_return", Ledger())
    assert _names_the_scope(refused.value)


def test_a_warranty_refund_on_an_old_order_without_the_scope_fails_naming_it(rt, shops, shopify):
    shopify.state.add_order("83", [("1", 1, "40.00", "2.00")])
    shopify.state.grant(WITHOUT_ALL_ORDERS)
    shopify.state.place_order("83", days_ago=400)
    payload = payload_json(act.Refund("83", "42.00", "USD", None, [["1", 1]], "0.00", "2.00"))
    with pytest.raises(PlatformError) as refused:
        _gateway(rt, shops).perform("refund", payload, "returnkit-11-0-refund", Ledger())
    assert _names_the_scope(refused.value)
