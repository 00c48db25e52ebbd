"""The queue sends the message outbox: the periodic reaper hands back a killed worker's messages and queues a send."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.notify_models import Message
from integration.db.request_models import ReturnCase
from integration.jobs import queue
from integration.jobs.queue import build_queue, current_queue, use_queue
from integration.notify.announce import announce
from integration.settings import load_settings
from tests.notify.helpers import add_case


@pytest.fixture()
def own_queue(rt, tmp_path, monkeypatch):
    """A queue of this test's own, whose tasks run on the test runtime."""
    monkeypatch.setattr(queue, "_current", None)
    use_queue(build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path / "queue")})))
    monkeypatch.setattr(queue, "runtime", lambda: rt)
    return current_queue()


def _queued(own_queue) -> list[tuple[str, tuple]]:
    return [(task.name, task.args) for task in own_queue.huey.pending()]


def test_the_reaper_takes_back_a_killed_workers_email_and_a_send_delivers_it_once(rt, shops, own_queue):
    shop_id = shops["woocommerce"].id
    with transaction(rt.sessions) as session:
        announce(session, session.get(ReturnCase, add_case(rt, shop_id)), "request.received", {})
        message = session.scalar(select(Message))
        message.state, message.lease_until, message.attempts = "running", utcnow() - timedelta(seconds=1), 1
    queue.reap_messages.call_local()
    assert _queued(own_queue) == [("send_messages_task", (shop_id,))]
    queue.send_messages_task.call_local(shop_id)
    queue.send_messages_task.call_local(shop_id)   # a second send of the same shop finds nothing due
    with rt.sessions() as session:
        sent = session.scalar(select(Message))
        statuses = [a.status for a in sent.attempt_log]
    assert (sent.state, sent.transport, sent.attempts, statuses) == ("succeeded", "local", 2,
                                                                      ["lease-expired", "succeeded"])


def test_a_shops_action_drain_queues_a_send_of_its_messages(rt, shops, own_queue, monkeypatch):
    from integration.outbox import drain
    monkeypatch.setattr(drain, "drain_shop", lambda _rt, shop_id, gws: drain.DrainReport(0, False, None))
    queue.drain_shop_task.call_local(shops["shopify"].id)
    assert ("send_messages_task", (shops["shopify"].id,)) in _queued(own_queue)
