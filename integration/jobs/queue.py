"""The queue and the tasks it runs; tasks carry row ids only, the database row is the truth.

Importing this module builds nothing and reads no settings. `build_queue(settings)` makes the Huey instance and
registers the tasks below on it; the app factory installs the one of its runtime's settings (`use_queue`), and a
process that installed none (the worker, a script) gets one built from its environment on first use
(`current_queue`). The module's `huey` and task names stand for the current queue's.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from huey import crontab
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.jobs.fleet import FleetRedisHuey, FleetSqliteHuey
from integration.jobs.registry import Queue, TaskList
from integration.runtime import process_settings, runtime
from integration.inbox.store import pending_deliveries
from integration.shops.housekeeping import purge_expired
from integration.settings import Settings

log = logging.getLogger(__name__)


def make_huey(settings: Settings):
    """RedisHuey with REDIS_URL (any number of machines), else SqliteHuey in the data directory (one machine).

    Either way every periodic task is queued once per tick however many consumers run (jobs/fleet.py).
    """
    if settings.redis_url:
        return FleetRedisHuey(settings.queue_name, url=settings.redis_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # No fsync per message: the database row is the truth, and a message lost in a power cut is
    # re-queued by requeue_lost_deliveries.
    return FleetSqliteHuey(settings.queue_name, filename=str(settings.data_dir / "queue.sqlite3"), fsync=False)


def build_queue(settings: Settings) -> Queue:
    """A Huey instance for these settings with every task of this module registered on it."""
    huey = make_huey(settings)
    return Queue(settings, huey, _TASKS.register(huey, settings))


_current: Queue | None = None
_building = threading.Lock()


def use_queue(queue: Queue) -> Queue:
    """Make `queue` the one this process sends to and consumes."""
    global _current
    _current = queue
    return queue


def current_queue() -> Queue:
    """This process's queue: the one installed, else one built from its environment on first use."""
    if _current is None:
        with _building:   # threads asking at once share one Huey instance
            if _current is None:
                use_queue(build_queue(process_settings()))
    return _current


def __getattr__(name: str):
    """`huey`: the current queue's Huey instance (what the worker consumes and the readiness check pings)."""
    if name == "huey":
        return current_queue().huey
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _every_minute(settings: Settings):
    return crontab(minute="*")


def _every_sweep(settings: Settings):
    return crontab(minute=f"*/{settings.reconcile_minutes}")


def _every_ten_minutes(settings: Settings):
    return crontab(minute="*/10")


_TASKS = TaskList(current_queue)
task, periodic = _TASKS.task, _TASKS.periodic

RETRY_DELAY_SECONDS = 30


@task(retries=5, retry_delay=RETRY_DELAY_SECONDS)
def process_delivery_task(delivery_id: int) -> None:
    """Process one stored webhook delivery."""
    from integration.inbox.process import process_delivery
    process_delivery(runtime(), delivery_id, None, enqueue_action)


@task()
def process_deliveries_task(delivery_ids: list[int]) -> None:
    """Process a batch of stored deliveries in order; one that fails goes back to the queue on its own."""
    from integration.inbox.process import process_delivery
    for delivery_id in delivery_ids:
        try:
            process_delivery(runtime(), delivery_id, None, enqueue_action)
        except Exception as exc:  # retryable (the row says why); retried alone so the batch goes on
            log.warning("inbox.retry: delivery %s: %s", delivery_id, type(exc).__name__)
            process_delivery_task.schedule((delivery_id,), delay=RETRY_DELAY_SECONDS)


# A row is re-queued at most this often. Under a backlog longer than two minutes every waiting row looks lost;
# re-queuing each one every minute buried a worker in repeats (seen in a chaos run: 57,000 for 5,000 rows).
REQUEUE_EVERY_SECONDS = 600


def not_requeued_lately(queue, delivery_ids: list[int]) -> list[int]:
    """The ids not re-queued in the last REQUEUE_EVERY_SECONDS (each one is marked as re-queued now)."""
    return [i for i in delivery_ids if queue.set_flag(f"requeue.{i}", REQUEUE_EVERY_SECONDS)]


@periodic(_every_minute)
def requeue_lost_deliveries() -> None:
    """Re-queue deliveries stored over two minutes ago and still unprocessed (a lost queue message)."""
    with transaction(runtime().sessions) as session:
        stale = pending_deliveries(session, utcnow() - timedelta(minutes=2))
    ids = not_requeued_lately(current_queue().huey, stale)   # its flags, once the database transaction is closed
    for delivery_id in ids:
        process_delivery_task(delivery_id)
    if ids:
        log.warning("inbox.requeued: %d deliveries", len(ids))


# A drain message waiting in the queue holds its shop's flag, so a shop has at most one waiting; the flag
# lapses after DRAIN_FLAG_SECONDS in case its message was lost (and the reaper queues a drain anyway).
DRAIN_FLAG_SECONDS = 60


def enqueue_action(action_id: int, rt=None) -> None:
    """Make sure the action's shop has a drain queued (called after the action's insert has committed);
    `rt` is the caller's runtime, whose database holds the action."""
    from integration.db.request_models import Action
    with (rt or runtime()).sessions() as session:
        shop_id = session.scalar(select(Action.shop_id).where(Action.id == action_id))
    if shop_id is not None:
        ensure_drain(shop_id)


def ensure_drain(shop_id: int) -> None:
    """Queue a drain for the shop at the tail, unless one is already waiting."""
    if current_queue().huey.set_flag(f"drain.{shop_id}", DRAIN_FLAG_SECONDS):
        drain_shop_task(shop_id)


@task()
def drain_shop_task(shop_id: int) -> None:
    """Run the shop's due actions for a bounded time; queue the rest behind the other shops."""
    from integration.outbox.drain import drain_shop, due_action_ids
    from integration.outbox.gateways import gateways_for
    current_queue().huey.clear_flag(f"drain.{shop_id}")   # from here on a new action queues the next drain
    rt = runtime()
    with rt.sessions() as session:
        share = rt.settings.drain_max_actions
        busy = len(due_action_ids(session, shop_id, utcnow(), share + 1)) > share
    if busy:   # more than one drain's worth: let an idle thread take the next share at once
        ensure_drain(shop_id)
    report = drain_shop(rt, shop_id, gateways_for(rt))
    ensure_message_drain(shop_id)   # the emails and webhooks its requests and actions announced
    if report.more_due:
        ensure_drain(shop_id)
    elif report.next_due_at is not None:   # a retry waiting out its backoff: wake the shop when it is due
        _wake_when_due(shop_id, report.next_due_at)


def _wake_when_due(shop_id: int, due_at) -> None:
    delay = max((due_at - utcnow()).total_seconds(), 0)
    # One wake-up per shop and due second, however many drains ended before it.
    if current_queue().huey.set_flag(f"wake.{shop_id}.{int(due_at.timestamp())}", delay + DRAIN_FLAG_SECONDS):
        wake_shop_task.schedule((shop_id,), delay=delay)


@task()
def wake_shop_task(shop_id: int) -> None:
    """A retry came due: queue the shop's drain (deduplicated, so wake-ups never pile up drains)."""
    ensure_drain(shop_id)


@task()
def run_action_task(action_id: int) -> None:
    """Messages queued before per-shop drains existed: hand the action to its shop's drain."""
    enqueue_action(action_id)


@periodic(_every_minute)
def reap_actions() -> None:
    """Take back actions from killed workers and queue a drain for every shop with due actions."""
    from integration.outbox.run import reap
    from integration.outbox.drain import shops_with_due_actions
    with transaction(runtime().sessions) as session:
        reap(session, utcnow())
        shop_ids = shops_with_due_actions(session, utcnow())
    for shop_id in shop_ids:
        # Past the flag on purpose: a drain message lost with a killed worker leaves its flag set, and the
        # reaper is what guarantees progress. A second drain of the same shop only loses claims.
        drain_shop_task(shop_id)


def ensure_message_drain(shop_id: int) -> None:
    """Queue a send of the shop's due emails and outbound webhooks, unless one is already waiting."""
    if current_queue().huey.set_flag(f"messages.{shop_id}", DRAIN_FLAG_SECONDS):
        send_messages_task(shop_id)


@task()
def send_messages_task(shop_id: int) -> None:
    """Send the shop's due emails and outbound webhooks for a bounded time (integration/notify/send.py)."""
    from integration.notify.send import drain_messages
    current_queue().huey.clear_flag(f"messages.{shop_id}")
    drain_messages(runtime(), shop_id)


@periodic(_every_minute)
def reap_messages() -> None:
    """Take back messages from killed workers and queue a send for every shop with messages due."""
    from integration.notify.send import reap, shops_with_due_messages
    with transaction(runtime().sessions) as session:
        reap(session, utcnow())
        shop_ids = shops_with_due_messages(session, utcnow())
    for shop_id in shop_ids:   # past the flag, as reap_actions: the periodic task is what guarantees progress
        send_messages_task(shop_id)


@periodic(_every_minute)
def refresh_credentials() -> None:
    """Refresh each platform's expiring credentials (Shopify's offline tokens that lapse within five minutes)."""
    from adapters.registry import ADAPTERS
    for adapter in ADAPTERS.values():
        adapter.refresh_credentials(runtime())


@periodic(_every_ten_minutes)
def purge_expired_rows() -> None:
    """Delete pending installs and spent sign-ins past their expiry (a flood of `/auth?shop=` stays bounded)."""
    with transaction(runtime().sessions) as session:
        purged = purge_expired(session, utcnow())
    if any(purged.values()):
        log.info("housekeeping.purged: %d pending installs, %d spent sign-ins", purged["pending_installs"],
                 purged["spent_signins"])


@periodic(_every_ten_minutes)
def expire_unused_labels() -> None:
    """Close requests whose prepaid return label had no carrier scan within the policy's days (a customer note)."""
    from integration.db.unit_of_work import unit_of_work
    from integration.requests.label_expiry import expire_unused_labels as expire
    with unit_of_work(runtime().sessions, enqueue_action) as session:
        closed = expire(session, utcnow())
    if closed:
        log.info("tracking.labels-expired: %d requests closed", len(closed))


@periodic(_every_minute)
def fall_back_out_of_stock() -> None:
    """Decide again the exchanges found out of stock as they were about to be made (the policy's fallback)."""
    from integration.db.unit_of_work import unit_of_work
    from integration.requests.stock_fallback import fall_back_out_of_stock as fall_back
    with unit_of_work(runtime().sessions, enqueue_action) as session:
        fall_back(session)


@periodic(_every_sweep)
def reconcile_shops() -> None:
    """Queue one sweep per active shop with API credentials (RETURNKIT_RECONCILE_MINUTES apart)."""
    from integration.inbox.sweep import sweepable_shops
    with runtime().sessions() as session:
        shop_ids = sweepable_shops(session)
    for shop_id in shop_ids:
        reconcile_shop_task(shop_id)


@task()
def reconcile_shop_task(shop_id: int) -> None:
    """Sweep one shop: changed orders into the inbox, then its webhook subscriptions."""
    from integration.inbox.sweep import sweep_shop
    sweep_shop(runtime(), shop_id, enqueue_action=enqueue_action)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue stored deliveries for processing (called after their inserts have committed)."""
    if len(delivery_ids) == 1:
        process_delivery_task(delivery_ids[0])
    else:
        process_deliveries_task(delivery_ids)
