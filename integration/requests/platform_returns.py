"""A return the customer asked for through the platform (Shopify returns/request) is decided at once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.domain import events as ev
from integration.orders.picture import apply_return, find_order
from integration.requests.decide import find_case, submit_request

# Shopify's ReturnReason values (lower-cased in webhooks) -> the contract's reasons.
REASONS = {"defective": "defective", "wrong_item": "wrong_item", "not_as_described": "not_as_described",
           "size_too_small": "ordered_wrong_variant", "size_too_large": "ordered_wrong_variant",
           "color": "ordered_wrong_variant", "style": "changed_mind", "unwanted": "changed_mind",
           "other": "other", "unknown": "other"}


def request_from_return(event: ev.ReturnSeen, requested_at=None) -> dict:
    """The contract's request object for a platform return request."""
    request = {"type": "return", "submitted_at": (event.updated_at or requested_at or utcnow()).isoformat(),
               "reason": REASONS.get((event.reason or "other").lower(), "other"),
               "items": [{"line_item_id": line, "quantity": qty} for line, qty in event.line_quantities],
               "evidence": {"photos": 0, "videos": 0, "description": bool(event.note)}}
    return request


def apply_return_and_decide(session: Session, shop: Shop, event: ev.ReturnSeen) -> None:
    """Record the return; a newly requested one is decided with the shop's policy and acted on."""
    apply_return(session, shop, event)
    if event.status != "requested" or not shop.active or event.order_id is None:
        return
    if find_case(session, shop, "shopify_return", event.return_id) is not None:
        return
    order = find_order(session, shop, event.order_id)
    requested_at = session.info.get("delivery_time")
    submit_request(session, shop, order, request_from_return(event, requested_at), "shopify_return", event.return_id)
