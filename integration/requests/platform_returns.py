"""A return the customer asked for through the platform (Shopify returns/request) is decided at once, on its lines:
lines its webhook left out are read from the platform first, in the worker that processes the delivery, and so are
the exchange items it carries (an exchange request, its wanted variants' stock checked at decision time)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.db.base import utcnow
from integration.db.models import Shop
from integration.domain import events as ev
from integration.orders.picture import apply_return, find_order
from integration.requests.decide import find_case, submit_request
from integration.requests.exchange_stock import platform_stock, with_exchange_stock
from integration.requests.platform_decisions import record_platform_decision
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


def request_from_return(event: ev.ReturnSeen, requested_at=None, wants: Sequence[tuple[str, int]] = ()) -> dict:
    """The contract's request object for a platform return request; with the exchange items the customer asked for
    (`wants`: variant id, units), an exchange whose returned lines name them in order."""
    items = [{"line_item_id": line, "quantity": qty} for line, qty in event.line_quantities]
    for item, (variant, units) in zip(items, wants):
        item["exchange_for"] = {"variant_id": variant, "quantity": min(units, item["quantity"])}
    return {"type": "exchange" if wants else "return",
            "submitted_at": (event.updated_at or requested_at or utcnow()).isoformat(),
            "reason": reason_of(event.reason), "items": items,
            "evidence": {"photos": 0, "videos": 0, "description": bool(event.note)}}


def _read(session: Session, shop: Shop, return_id: str, what: str = "read_return", missing: str = "its lines"):
    """The platform's answer to the sweep's `what` question about the return; a transient failure re-raises, so
    the delivery is retried."""
    adapter = ADAPTERS[shop.platform]
    client = adapter.client(shop, settings_of(session).http_timeout)
    reader = getattr(adapter.sweep, what, None)
    if client is None or reader is None:
        raise LinesUnreadable(f"return {return_id}: its webhook names none of {missing}, and {adapter.title} "
                              "cannot be asked for them (the shop has no API access)")
    try:
        return reader(client, return_id)
    except PlatformError as exc:
        if exc.retryable:
            raise
        raise LinesUnreadable(f"return {return_id}: {missing} could not be read ({exc})") from None


def exchange_wants(session: Session, shop: Shop, event: ev.ReturnSeen) -> list[tuple[str, int]]:
    """(variant id, units) the customer asked for in exchange on their return, read from the platform."""
    if not event.exchange_items:
        return []
    return list(_read(session, shop, event.return_id, "read_exchange_items", "its exchange items") or ())


def _stock_checked(session: Session, shop: Shop, request: dict) -> dict:
    """The request with each wanted variant's stock as the platform says it now (exchange_stock.py)."""
    sessions = sessionmaker(session.get_bind(), expire_on_commit=False, info={**session.info})
    return with_exchange_stock(request, platform_stock(shop, sessions, settings_of(session)))


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
    """Record the return; a newly requested one is decided with the shop's policy and acted on; one approved or
    declined in the platform's admin while it waited for the merchant's review records their decision."""
    apply_return(session, shop, event)
    record_platform_decision(session, shop, event)
    if event.status != "requested" or not shop.active or event.order_id is None:
        return
    if find_case(session, shop, "shopify_return", event.return_id) is not None:
        return
    if not event.lines_known:
        event = with_lines(session, shop, event)
        apply_return(session, shop, event)
    order = find_order(session, shop, event.order_id)
    request = request_from_return(event, session.info.get("delivery_time"), exchange_wants(session, shop, event))
    submit_request(session, shop, order, _stock_checked(session, shop, request), "shopify_return", event.return_id)
