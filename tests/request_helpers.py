"""Orders and requests built through the real services, for the activity, review and dashboard tests."""
from __future__ import annotations

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.orders.picture import find_order
from integration.requests.decide import submit_request
from integration.shops.core import set_policy
from tests.orders.test_picture import STORY, replay

ORDER = "5550001"
# Kaolate and Kinectr leave "other" to the merchant (their otherwise rule).
UNLISTED_REASON = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "other",
                   "items": [{"line_item_id": "9001", "quantity": 2}]}
DEFECTIVE_NO_PHOTOS = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
                       "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 0}}
DEFECTIVE_HOODIE = {**DEFECTIVE_NO_PHOTOS, "evidence": {"photos": 2}}


def shopify_story(client, rt, queue) -> None:
    """The Shopify order 5550001 (two tees, a custom hoodie), delivered, as its webhooks built it."""
    replay(client, rt, queue, "shopify", STORY)


def use_policy(rt, shop_id: int, preset: str) -> None:
    """Give the shop a preset policy (a new version)."""
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), resolve_policy_path(preset).read_text())


def submit(rt, shop_id: int, request: dict, ref: str, source: str = "api", order_id: str = ORDER) -> int:
    """Submit a request on the shop's order through submit_request; its id."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        case, _ = submit_request(session, shop, find_order(session, shop, order_id), request, source, ref)
        return case.id


def latest(rt, case_id: int) -> dict:
    """The request's latest decision: outcome, decided_by, document, created_at and its actions' kinds and states."""
    with rt.sessions() as session:
        decision = session.get(ReturnCase, case_id).decisions[-1]
        return {"outcome": decision.outcome, "decided_by": decision.decided_by, "document": decision.document,
                "created_at": decision.created_at, "count": len(session.get(ReturnCase, case_id).decisions),
                "actions": [(a.kind, a.state, a.payload) for a in decision.actions],
                "action_ids": [a.id for a in decision.actions]}
