"""Stored orders and past requests for the policy and simulator tests, written through the real models."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import PolicyVersion, Shop
from integration.db.order_models import Order, OrderLine
from integration.db.request_models import Action, Decision, ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.merchant.policy_editor import DRAFT_KEY
from integration.requests.decide import submit_request
from tests.web_helpers import csrf_from, sign_in

KAOLATE = resolve_policy_path("kaolate").read_text()
SHORT_WINDOW = KAOLATE.replace("return_window: {from: delivery, days: 30}", "return_window: {from: delivery, days: 5}")

DELIVERED = datetime(2026, 5, 5, 18, 0, tzinfo=timezone.utc)


def store_order(rt, shop_id: int, order_id: str = "7001", number: str = "1001") -> int:
    """An order of the shop: two tees delivered on 2026-05-05; its primary key."""
    with transaction(rt.sessions) as session:
        order = Order(shop_id=shop_id, order_id=order_id, number=number, currency="USD",
                      placed_at=datetime(2026, 5, 1, 15, 0, tzinfo=timezone.utc),
                      platform_updated_at=datetime(2026, 5, 5, 18, 0, tzinfo=timezone.utc), tags=[],
                      shipping_paid=Decimal("6.50"), delivered_at=DELIVERED)
        order.lines = [OrderLine(position=0, line_id="9001", title="Organic tee", sku="TEE-1", quantity=2,
                                 unit_price=Decimal("22.50"), requires_shipping=True)]
        session.add(order)
        session.flush()
        return order.id


def defective(day: int) -> dict:
    """A defective-tee return with photos, submitted on 2026-05-<day> at 10:00 in Denver."""
    return {"type": "return", "submitted_at": f"2026-05-{day:02d}T10:00:00-06:00", "reason": "defective",
            "items": [{"line_item_id": "9001", "quantity": 1}], "evidence": {"photos": 2}}


def past_request(rt, shop_id: int, order_pk: int, request: dict, ref: str) -> int:
    """A request taken and decided with the shop's current policy, as the request API takes it; its id."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        case, _decision = submit_request(session, shop, session.get(Order, order_pk), request, "api", ref)
        return case.id


@pytest.fixture()
def signed_in(client, shops):
    sign_in(client, shops["shopify"].id)
    client.csrf = csrf_from(client.get("/app/policy/").data)
    return client


def page_state(rt, shop_id):
    """What a page could change: the shop's versions, current version, draft, and recorded requests."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        return (session.scalar(select(func.count(PolicyVersion.id)).where(PolicyVersion.shop_id == shop_id)),
                shop.policy_version_id, (shop.settings or {}).get(DRAFT_KEY),
                session.scalar(select(func.count(ReturnCase.id))), session.scalar(select(func.count(Decision.id))),
                session.scalar(select(func.count(Action.id))))
