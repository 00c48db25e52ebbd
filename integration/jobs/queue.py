"""The Huey instance and the tasks it runs; tasks carry row ids only, the database row is the truth."""
from __future__ import annotations

import logging
from datetime import timedelta

from huey import RedisHuey, SqliteHuey, crontab

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.runtime import runtime
from integration.services.inbox import pending_deliveries
from integration.settings import Settings, load_settings

log = logging.getLogger(__name__)


def make_huey(settings: Settings):
    """RedisHuey with REDIS_URL, else SqliteHuey in the data directory."""
    if settings.redis_url:
        return RedisHuey("returnkit", url=settings.redis_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # No fsync per message: the database row is the truth, and a message lost in a power cut is
    # re-queued by requeue_lost_deliveries.
    return SqliteHuey("returnkit", filename=str(settings.data_dir / "queue.sqlite3"), fsync=False)


huey = make_huey(load_settings())


RETRY_DELAY_SECONDS = 30


@huey.task(retries=5, retry_delay=RETRY_DELAY_SECONDS)
def process_delivery_task(delivery_id: int) -> None:
    """Process one stored webhook delivery."""
    from integration.services.ingest import process_delivery
    process_delivery(runtime(), delivery_id)


@huey.task()
def process_deliveries_task(delivery_ids: list[int]) -> None:
    """Process a batch of stored deliveries in order; one that fails goes back to the queue on its own."""
    from integration.services.ingest import process_delivery
    for delivery_id in delivery_ids:
        try:
            process_delivery(runtime(), delivery_id)
        except Exception as exc:  # retryable (the row says why); retried alone so the batch goes on
            log.warning("inbox.retry: delivery %s: %s", delivery_id, type(exc).__name__)
            process_delivery_task.schedule((delivery_id,), delay=RETRY_DELAY_SECONDS)


@huey.periodic_task(crontab(minute="*"))
def requeue_lost_deliveries() -> None:
    """Re-queue deliveries stored over two minutes ago and still unprocessed (a lost queue message)."""
    with transaction(runtime().sessions) as session:
        ids = pending_deliveries(session, utcnow() - timedelta(minutes=2))
    for delivery_id in ids:
        process_delivery_task(delivery_id)
    if ids:
        log.warning("inbox.requeued: %d deliveries", len(ids))


@huey.task()
def run_action_task(action_id: int) -> None:
    """Run one outbox action (the row says what and whether); a retry is scheduled for its due time."""
    from integration.db.request_models import Action
    from integration.services.actions import run_action
    from integration.services.gateways import platform_gateway
    if run_action(runtime(), action_id, platform_gateway) == "retrying":
        with runtime().sessions() as session:
            due = session.get(Action, action_id).next_attempt_at
        run_action_task.schedule((action_id,), delay=max((due - utcnow()).total_seconds(), 0))


@huey.periodic_task(crontab(minute="*"))
def reap_actions() -> None:
    """Take back actions from killed workers and queue every due action (the rows are the truth)."""
    from integration.services.actions import reap
    with transaction(runtime().sessions) as session:
        due = reap(session, utcnow())
    for action_id in due:
        run_action_task(action_id)


@huey.periodic_task(crontab(minute="*"))
def refresh_shopify_tokens() -> None:
    """Refresh the Shopify offline tokens that lapse within five minutes (the rest wait for a later run)."""
    from integration.services.shopify_tokens import refresh_expiring
    refresh_expiring(runtime())


@huey.periodic_task(crontab(minute=f"*/{load_settings().reconcile_minutes}"))
def reconcile_shops() -> None:
    """Queue one sweep per active shop with API credentials (RETURNKIT_RECONCILE_MINUTES apart)."""
    from integration.services.reconcile import sweepable_shops
    with runtime().sessions() as session:
        shop_ids = sweepable_shops(session)
    for shop_id in shop_ids:
        reconcile_shop_task(shop_id)


@huey.task()
def reconcile_shop_task(shop_id: int) -> None:
    """Sweep one shop: changed orders into the inbox, then its webhook subscriptions."""
    from integration.services.reconcile import sweep_shop
    sweep_shop(runtime(), shop_id)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue stored deliveries for processing (called after their inserts have committed)."""
    if len(delivery_ids) == 1:
        process_delivery_task(delivery_ids[0])
    else:
        process_deliveries_task(delivery_ids)
