"""The queue carries row ids: SqliteHuey by default, RedisHuey with REDIS_URL; lost messages are re-queued."""
import os
import uuid
from datetime import timedelta

import pytest
from huey import RedisHuey, SqliteHuey

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import WebhookDelivery
from integration.jobs.queue import make_huey
from integration.inbox.store import pending_deliveries
from integration.settings import load_settings

BACKENDS = ["sqlite"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(params=BACKENDS)
def huey(request, tmp_path):
    env = {"RETURNKIT_DATA_DIR": str(tmp_path)}
    if request.param == "redis":
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    instance = make_huey(load_settings(env))
    instance.name = f"returnkit-test-{uuid.uuid4().hex[:8]}"  # a queue of its own
    if isinstance(instance, RedisHuey):
        instance.storage.name = instance.name
        instance.storage.queue_key = f"huey.redis.{instance.name}"
    yield instance
    instance.flush()


def test_the_backend_follows_the_settings(tmp_path):
    assert isinstance(make_huey(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path)})), SqliteHuey)
    assert isinstance(make_huey(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path),
                                               "REDIS_URL": "redis://127.0.0.1:6379/15"})), RedisHuey)


def test_a_task_carries_the_row_id_through_the_queue(huey):
    seen = []

    @huey.task()
    def process(delivery_id):
        seen.append(delivery_id)

    process(41)
    process(42)
    assert huey.pending_count() == 2
    for _ in range(2):
        huey.execute(huey.dequeue())
    assert seen == [41, 42]


def test_stored_but_unprocessed_deliveries_are_found_for_requeueing(rt, shops):
    with transaction(rt.sessions) as session:
        old = WebhookDelivery(shop_id=shops["shopify"].id, platform="shopify", topic="orders/create",
                              dedupe_key="a", headers={}, body=b"{}", status="received",
                              received_at=utcnow() - timedelta(minutes=5))
        fresh = WebhookDelivery(shop_id=shops["shopify"].id, platform="shopify", topic="orders/create",
                                dedupe_key="b", headers={}, body=b"{}", status="received")
        done = WebhookDelivery(shop_id=shops["shopify"].id, platform="shopify", topic="orders/create",
                               dedupe_key="c", headers={}, body=b"{}", status="processed",
                               received_at=utcnow() - timedelta(minutes=5))
        session.add_all([old, fresh, done])
    with rt.sessions() as session:
        assert pending_deliveries(session, utcnow() - timedelta(minutes=2)) == [old.id]


def test_a_row_is_requeued_at_most_once_in_ten_minutes(huey):
    from integration.jobs.queue import not_requeued_lately
    assert not_requeued_lately(huey, [1, 2]) == [1, 2]
    assert not_requeued_lately(huey, [1, 2, 3]) == [3]   # a backlog's old rows are not queued again each minute
