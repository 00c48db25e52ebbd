"""A return the customer asked for through the platform (Shopify returns/request) is decided at once, on its lines:
lines its webhook left out are read from the platform first, in the worker that processes the delivery."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.db.base import utcnow
from integration.db.models import Shop
from integration.domain import events as ev
from integration.orders.picture import apply_return, find_order
from integration.requests.decide import find_case, submit_request
from integration.runtime import settings_of

# Shopify's reasons -> the contract's. The ReturnReason enum its webhooks carry (lower-cased), and the handles of
# its return reason definitions (returnReasonDefinition.handle, which replaces the deprecated enum): the general
# ones of Shopify's taxonomy (data/return_reasons.yml in Shopify/product-taxonomy). Any other handle, such as the
# category-specific "too-tight" or "comfort", is "other" (see `reason_of`).
REASONS = {"defective": "defective", "wrong_item": "wrong_item", "not_as_described": "not_as_described",
           "size_too_small": "ordered_wrong_variant", "size_too_large": "ordered_wrong_variant",
           "color": "ordered_wrong_variant", "style": "changed_mind", "unwanted": "changed_mind",
           "other": "other", "unknown": "other",
           "damaged-or-defective": "defective", "received-the-wrong-item": "wrong_item",
           "item-not-as-described": "not_as_described", "too-small": "ordered_wrong_variant",
           "too-big": "ordered_wrong_variant", "changed-my-mind": "changed_mind", "other-reason": "other",
           "arrived-late": "late_delivery"}


class LinesUnreadable(ValueError):
    """A request whose lines cannot be read: as a ValueError its delivery is failed, naming why, and not retried."""


def reason_of(word: str | None) -> str:
    """The contract's reason for a platform's reason word or handle; "other" for any it does not map."""
    return REASONS.get((word or "other").strip().lower(), "other")


def request_from_return(event: ev.ReturnSeen, requested_at=None) -> dict:
    """The contract's request object for a platform return request."""
    request = {"type": "return", "submitted_at": (event.updated_at or requested_at or utcnow()).isoformat(),
               "reason": reason_of(event.reason),
               "items": [{"line_item_id": line, "quantity": qty} for line, qty in event.line_quantities],
               "evidence": {"photos": 0, "videos": 0, "description": bool(event.note)}}
    return request


def _read(session: Session, shop: Shop, return_id: str) -> ev.ReturnSeen | None:
    """The return as the platform holds it now; a transient failure re-raises, so the delivery is retried."""
    adapter = ADAPTERS[shop.platform]
    client = adapter.client(shop, settings_of(session).http_timeout)
    reader = getattr(adapter.sweep, "read_return", None)
    if client is None or reader is None:
        raise LinesUnreadable(f"return {return_id}: its webhook names none of its lines, and {adapter.title} "
                              "cannot be asked for them (the shop has no API access)")
    try:
        return reader(client, return_id)
    except PlatformError as exc:
        if exc.retryable:
            raise
        raise LinesUnreadable(f"return {return_id}: its lines could not be read ({exc})") from None


def with_lines(session: Session, shop: Shop, event: ev.ReturnSeen) -> ev.ReturnSeen:
    """The request with its lines, read from the platform when its webhook left them out."""
    if event.lines_known:
        return event
    read = _read(session, shop, event.return_id)
    if read is None or not read.lines_known:
        why = "the platform has no such return" if read is None else "one of its lines names no line of the order"
        raise LinesUnreadable(f"return {event.return_id}: {why}; decide it in the platform's admin")
    return replace(event, line_quantities=read.line_quantities, reason=read.reason or event.reason,
                   note=read.note or event.note, lines_known=True)


def apply_return_and_decide(session: Session, shop: Shop, event: ev.ReturnSeen) -> None:
    """Record the return; a newly requested one is decided with the shop's policy and acted on."""
    apply_return(session, shop, event)
    if event.status != "requested" or not shop.active or event.order_id is None:
        return
    if find_case(session, shop, "shopify_return", event.return_id) is not None:
        return
    if not event.lines_known:
        event = with_lines(session, shop, event)
        apply_return(session, shop, event)
    order = find_order(session, shop, event.order_id)
    requested_at = session.info.get("delivery_time")
    submit_request(session, shop, order, request_from_return(event, requested_at), "shopify_return", event.return_id)
