"""The periodic sweep per shop: fetch what changed since the last sweep and deliver it to ourselves.

Each fetched resource becomes the webhook delivery that would have carried it, stored in the inbox
under the same version key as that webhook (so a webhook and a sweep of one change are one delivery)
and processed like any delivery. Safe to run twice at once: the inbox insert and the row lock of
process_delivery make each version count once, and the cursor only ever moves forward.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from adapters.base import DeliveryHeaders
from adapters.common import maybe_when
from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.unit_of_work import EnqueueAction
from integration.runtime import Runtime
from integration.inbox.store import Incoming, store_delivery
from integration.inbox.process import process_delivery

log = logging.getLogger(__name__)
SOURCE_HEADER = "x-returnkit-source"
# Re-read this much before the cursor: a change stamped just before the last one seen, or a clock
# that runs behind, is fetched again (and deduplicated) instead of skipped.
OVERLAP = timedelta(minutes=2)
FIRST_LOOKBACK = timedelta(days=30)   # a shop's first sweep looks back this far from its install


@dataclass
class SweepReport:
    """What one sweep found: orders fetched, deliveries new to the inbox, how they ended, the cursor."""
    shop_id: int
    since: datetime | None = None
    cursor: datetime | None = None
    fetched: int = 0
    new: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    subscriptions: list[dict] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict:
        """The report as printed by `returnkit shops reconcile`."""
        return {"shop_id": self.shop_id, "since": _iso(self.since), "cursor": _iso(self.cursor), "fetched": self.fetched,
                "new_deliveries": len(self.new), "statuses": self.statuses, "subscriptions": self.subscriptions,
                "error": self.error}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def sweep_state(shop: Shop) -> dict:
    """The shop's reconciliation record: cursor, last successful sweep, subscription problems."""
    return dict((shop.settings or {}).get("reconcile") or {})


def _save_state(rt: Runtime, shop_id: int, **changes) -> None:
    """Update the record under the shop's row lock; the cursor never moves back."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id, with_for_update={"key_share": True})
        state = sweep_state(shop)
        cursor = changes.pop("cursor", None)
        if cursor is not None and (maybe_when(state.get("cursor")) or cursor) <= cursor:
            state["cursor"] = cursor.isoformat()
        state.update(changes)
        shop.settings = {**(shop.settings or {}), "reconcile": state}


def _incoming(platform: str, topic: str, body: dict, happened: str | None) -> Incoming:
    adapter = ADAPTERS[platform]
    raw = json.dumps(body).encode()
    headers = {SOURCE_HEADER: "reconcile", **adapter.sweep_headers(topic, happened)}
    # Keyed by its version, which a delivery already applied holds too: the inbox then stores nothing.
    version = adapter.version_key(topic, body)
    key = version or adapter.dedupe_key(DeliveryHeaders(topic=topic, shop_key=None), body, raw)
    resource_id, customer_ref = adapter.delivery_refs(topic, body)
    return Incoming(platform, topic, key, headers, raw, "received", resource_id=resource_id, customer_ref=customer_ref,
                    note=None, version_key=version)


def _store_page(rt: Runtime, shop: Shop, resources: list[dict]) -> list[int]:
    """Store every delivery of one page in one transaction; the ids of those the inbox did not hold yet."""
    source = ADAPTERS[shop.platform].sweep
    new = []
    with rt.engine.begin() as conn:
        for resource in resources:
            for topic, body, happened in source.deliveries(resource):
                row_id = store_delivery(conn, shop.id, _incoming(shop.platform, topic, body, happened))
                if row_id is not None:
                    new.append(row_id)
    return new


def _process_one(rt: Runtime, delivery_id: int, fetch, enqueue_action) -> str:
    # Tried twice at once: a concurrent sweep or worker that inserted the same product first makes
    # the first try an IntegrityError, and the second sees its row.
    for attempt in (1, 2):
        try:
            return process_delivery(rt, delivery_id, fetch, enqueue_action)
        except Exception as exc:  # retryable: the row stays received and the re-queue task takes it
            log.warning("reconcile.retry: delivery %s attempt %d: %s", delivery_id, attempt, type(exc).__name__)
    return "retrying"


def _process(rt: Runtime, ids: list[int], report: SweepReport, fetch, enqueue_action) -> None:
    for delivery_id in ids:
        status = _process_one(rt, delivery_id, fetch, enqueue_action)
        report.statuses[status] = report.statuses.get(status, 0) + 1


def _since(shop: Shop, since: datetime | None) -> datetime:
    if since is not None:
        return since
    cursor = maybe_when(sweep_state(shop).get("cursor"))
    return cursor - OVERLAP if cursor else shop.created_at - FIRST_LOOKBACK


def sweep_orders(rt: Runtime, shop_id: int, since: datetime | None, fetch,
                 enqueue_action: EnqueueAction) -> SweepReport:
    """Fetch the orders changed since the cursor (or `since`), deliver them to the inbox and process them."""
    report = SweepReport(shop_id)
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        client = ADAPTERS[shop.platform].client(shop, rt.settings.http_timeout) if shop and shop.active else None
        if client is None:
            report.error = "the shop is not active or has no API credentials"
            return report
        report.since = _since(shop, since)
        session.expunge(shop)
    source = ADAPTERS[shop.platform].sweep
    try:
        for page in source.changed_orders(client, report.since):
            report.fetched += len(page)
            ids = _store_page(rt, shop, page)
            report.new.extend(ids)
            if page:  # the page is committed: its newest change is safe to move the cursor to
                report.cursor = max(source.updated_at(r) for r in page)
                _save_state(rt, shop_id, cursor=report.cursor)
            _process(rt, ids, report, fetch, enqueue_action)
    except PlatformError as exc:
        report.error = str(exc)
        log.warning("reconcile.fetch-failed: shop %s: %s", shop_id, exc)
    return report


def sweep_shop(rt: Runtime, shop_id: int, since: datetime | None = None, fetch=None, *,
               enqueue_action: EnqueueAction) -> SweepReport:
    """One full sweep: orders, then the webhook subscriptions; records when it last succeeded."""
    from integration.inbox.subscriptions import check_subscriptions
    started = utcnow()
    report = sweep_orders(rt, shop_id, since, fetch, enqueue_action)
    if report.error is None or report.since is not None:
        report.subscriptions = check_subscriptions(rt, shop_id)
    if report.error is None:
        _save_state(rt, shop_id, last_success_at=started.isoformat())
    else:
        _save_state(rt, shop_id, last_error=report.error, last_error_at=started.isoformat())
    log.info("reconcile.swept: shop %s fetched %d new %d", shop_id, report.fetched, len(report.new))
    return report


def sweepable_shops(session) -> list[int]:
    """Ids of the active shops that have API credentials (the demo shop has none)."""
    return list(session.scalars(select(Shop.id).where(
        Shop.status == "active", or_(Shop.api_token.is_not(None), Shop.consumer_key.is_not(None))).order_by(Shop.id)))
