"""Process a stored delivery: parse it with its platform's adapter and apply the events to the shop's picture."""
from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError, StatementError
from sqlalchemy.orm import Session

from adapters.carriers import CARRIERS
from adapters.common import PayloadError, maybe_when
from adapters.registry import ADAPTERS
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.db.unit_of_work import EnqueueAction, queue_recorded, unit_of_work
from integration.domain import events as ev
from integration.observability.context import binds
from integration.runtime import Runtime
from integration.orders.catalog import CATALOG_HANDLERS, ProductFetcher, fill_missing_products
from integration.inbox.compliance import COMPLIANCE_HANDLERS
from integration.inbox.store import stored_key
from integration.inbox.topic_checks import CannotConfirm, refusal
from integration.orders.picture import ORDER_HANDLERS, OrderNotYetKnown, find_order
from integration.requests.platform_returns import apply_return_and_decide
from integration.requests.tracking import apply_parcel_updates

log = logging.getLogger(__name__)
HANDLERS = {**ORDER_HANDLERS, **CATALOG_HANDLERS, **COMPLIANCE_HANDLERS,
            ev.ReturnSeen: apply_return_and_decide}


def apply_events(session: Session, shop: Shop, events: list, fetch: ProductFetcher | None = None) -> None:
    """Apply canonical events in order, then fill the product cache for any order they touched."""
    for event in events:
        HANDLERS[type(event)](session, shop, event)
    if shop.active:
        for event in events:
            if isinstance(event, ev.OrderSeen) and (order := find_order(session, shop, event.order_id)):
                fill_missing_products(session, shop, order, fetch)


def _record_failure(rt: Runtime, delivery_id: int, status: str, error: str) -> None:
    with transaction(rt.sessions) as session:
        row = session.get(WebhookDelivery, delivery_id)
        if row is not None:
            row.status, row.error, row.attempts = status, error[:2000], row.attempts + 1


@binds("delivery_id")
def process_delivery(rt: Runtime, delivery_id: int, fetch: ProductFetcher | None,
                     enqueue_action: EnqueueAction) -> str:
    """Process one inbox row exactly once; returns its final status. Retryable failures re-raise.

    Actions planned while processing (a platform return decided) are queued after the commit.
    """
    committed: list[int] = []   # the queue is handed them after the try: its errors are not the delivery's
    try:
        with unit_of_work(rt.sessions, committed.append) as session:
            status = _process(rt, session, delivery_id, fetch)
    except (OrderNotYetKnown, IntegrityError, CannotConfirm) as exc:
        # IntegrityError: a concurrent worker took the same request first; the retry sees its row. CannotConfirm:
        # the platform did not answer whether an uninstall is real; asked again on the retry.
        _record_failure(rt, delivery_id, "received", f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        raise
    except (PayloadError, ValueError, KeyError, TypeError, OverflowError, StatementError) as exc:
        # OverflowError: the SQLite driver's answer to an integer too large for a column, a value retrying cannot fix.
        if isinstance(exc, StatementError) and not _unstorable(exc):
            raise
        log.error("ingest.unprocessable: delivery %s: %s", delivery_id, exc)
        _record_failure(rt, delivery_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    queue_recorded(committed, enqueue_action)
    log.debug("ingest.processed: %s", status)
    return status


def _unstorable(exc: StatementError) -> bool:
    """A value from the payload the database refuses (wrong type, NUL, out of range): retrying cannot help.

    Connection and lock errors (OperationalError) and races (IntegrityError) are not this: they re-raise.
    """
    return isinstance(exc, (DataError, ProgrammingError)) or isinstance(exc.orig, (TypeError, ValueError))


def _process(rt: Runtime, session: Session, delivery_id: int, fetch) -> str:
    """Apply one inbox row in the caller's transaction."""
    row = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if row is None or row.status != "received":
        return row.status if row else "gone"
    shop = session.get(Shop, row.shop_id)
    if row.platform in CARRIERS:   # a label service's tracking of a return parcel, not the shop's platform
        return apply_parcel_updates(session, shop, row, _parse(CARRIERS[row.platform], row)[1])
    adapter = ADAPTERS[row.platform]
    if not shop.active and row.topic not in adapter.compliance_topics:
        row.status, row.error, row.processed_at = "ignored", "the shop uninstalled returnkit", utcnow()
        return "ignored"
    payload, events = _parse(adapter, row)
    if (refused := refusal(rt, shop, row.topic, payload, events)) is not None:
        log.warning("inbox.topic-refused: delivery %s shop %s %s: %s", row.id, shop.id, row.topic, refused.key)
        row.status, row.error, row.processed_at = "refused", refused.message, utcnow()
        return "refused"
    if (applied := _claim_version(session, adapter, row, payload)) is not None:
        row.status, row.error, row.processed_at = "ignored", f"the same version as delivery {applied}", utcnow()
        return "ignored"
    session.info["delivery_time"] = _delivery_time(row)
    apply_events(session, shop, events, fetch if fetch is not None else default_fetcher(rt))
    if session.get(WebhookDelivery, delivery_id) is not None:  # shop/redact deletes it with the shop
        row.status, row.processed_at, row.attempts, row.error = "processed", utcnow(), row.attempts + 1, None
    return "processed"


def _claim_version(session: Session, adapter, row: WebhookDelivery, payload) -> int | None:
    """Mark the row with the version it carries; the id of the shop's delivery that holds that version already.

    Two deliveries of one version (two subscriptions, a retry with a new id, a webhook and the sweep)
    are applied once. Two workers claiming one version at once: the unique index fails the second
    commit with an IntegrityError, and its retry finds the first.
    """
    version = row.version_key or adapter.version_key(row.topic, payload)
    if version is None:
        return None
    version = stored_key(version)
    holder = session.scalar(select(WebhookDelivery.id).where(
        WebhookDelivery.shop_id == row.shop_id, WebhookDelivery.version_key == version, WebhookDelivery.id != row.id))
    if holder is None:
        row.version_key = version
    return holder


def _parse(adapter, row: WebhookDelivery) -> tuple[object, list]:
    """The delivery's payload and canonical events; a payload its parser cannot read is a PayloadError, never a crash."""
    try:
        payload = json.loads(row.body)
        return payload, adapter.topics[row.topic](payload)
    except PayloadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser only reads untrusted JSON: any failure means unreadable
        raise PayloadError(f"{row.topic}: the payload has the wrong shape ({type(exc).__name__}: "
                           f"{str(exc)[:200]})") from None


def _delivery_time(row: WebhookDelivery):
    """When the platform says the event happened (X-Shopify-Triggered-At), else when it reached us."""
    triggered = (row.headers or {}).get("x-shopify-triggered-at")
    try:
        return maybe_when(triggered) or row.received_at
    except PayloadError:
        return row.received_at


def default_fetcher(rt: Runtime) -> ProductFetcher:
    """Fetch products through each platform's API client."""
    def fetch(shop: Shop, product_id: str):
        client = ADAPTERS[shop.platform].client(shop, rt.settings.http_timeout)
        return client.fetch_product(product_id) if client else None
    return fetch
