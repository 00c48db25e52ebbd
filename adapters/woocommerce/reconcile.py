"""The sweep's side of WooCommerce: a REST order from GET orders is already the body an order webhook
carries, so it is delivered as order.updated; and the version key a webhook and a sweep of one change share."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timezone

from adapters.common import PayloadError, version_key as _version_key, when
from adapters.woocommerce.parse import parse_order

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
SWEEP_TOPIC = "order.updated"


def deliveries(order: dict) -> list[tuple[str, dict, str | None]]:
    """(topic, body, when it happened) of the delivery that would have carried this order as it now stands."""
    return [(SWEEP_TOPIC, order, order.get("date_modified_gmt"))]


def version_key(topic: str, payload: dict) -> str | None:
    """order.created/updated/restored: id, date_modified_gmt and a content digest; None for other topics."""
    if topic not in ORDER_TOPICS or not isinstance(payload, dict) or payload.get("id") is None:
        return None
    try:
        events = parse_order(payload)
    except (PayloadError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return _version_key("order", payload["id"], events[0].updated_at, events)


def changed_orders(client, since) -> Iterator[list[dict]]:
    """Pages of orders modified after `since` (GMT), oldest change first, to the last page X-WP-TotalPages names
    (a page short of orders the key may not read is not the end: adapters/woocommerce/client.py, `pages`)."""
    stamp = since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    yield from client.pages("orders", {"modified_after": stamp, "dates_are_gmt": "true", "orderby": "modified",
                                       "order": "asc"})


def updated_at(order: dict):
    """When the order last changed, by the store's clock (GMT)."""
    return when(order["date_modified_gmt"], "date_modified_gmt", naive_is_utc=True)
