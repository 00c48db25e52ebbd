"""The embedded worker's inbox feeder: every stored delivery still waiting is queued once, in id order, after a
restart too; the embedded web app makes no queue write of its own."""
import threading
import time

import pytest
from sqlalchemy import update

from integration.app import create_app
from integration.db.models import WebhookDelivery
from integration.jobs.feeder import InboxFeeder
from integration.inbox.store import Incoming, InboxWriter
from tests.webhook_helpers import post_fixture


def _store(rt, shop_id: int, count: int) -> list[int]:
    writer = InboxWriter(rt.engine)
    return [writer.store(shop_id, Incoming("shopify", "orders/create", f"webhook:{time.time_ns()}-{n}", {},
                                           b"{}" + b" " * 8000, "received")) for n in range(count)]


def _processed(rt, ids: list[int]) -> None:
    with rt.engine.begin() as conn:
        conn.execute(update(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).values(status="processed"))


def test_each_waiting_delivery_is_queued_once_in_id_order_in_capped_batches(rt, shops):
    sent: list[list[int]] = []
    feeder = InboxFeeder(rt.engine, sent.append, batch=3)
    before = _store(rt, shops["shopify"].id, 2)
    _processed(rt, before[:1])
    assert feeder.feed_once() == 1 and sent == [before[1:]]   # a waiting delivery stored before the start
    later = _store(rt, shops["shopify"].id, 7)
    _processed(rt, later[2:3])   # the sweep processed this one at once
    feeder.feed_once()
    assert [i for batch in sent[1:] for i in batch] == later[:2] + later[3:] and max(map(len, sent)) <= 3
    assert feeder.feed_once() == 0 and len(sent) == 3


def test_a_restarted_feeder_queues_what_still_waits_and_a_failed_send_is_sent_again(rt, shops):
    ids = _store(rt, shops["shopify"].id, 3)
    calls: list[list[int]] = []

    def flaky(batch):
        calls.append(batch)
        if len(calls) == 1:
            raise ConnectionError("queue down")

    feeder = InboxFeeder(rt.engine, flaky)
    with pytest.raises(ConnectionError):
        feeder.feed_once()
    feeder.feed_once()
    assert calls == [ids, ids]
    _processed(rt, ids[:1])
    sent: list[list[int]] = []
    InboxFeeder(rt.engine, sent.append).feed_once()   # a new worker: its messages may have died with the old one
    assert sent == [ids[1:]]


def test_an_empty_inbox_starts_at_the_newest_row_and_the_thread_feeds_until_stopped(rt, shops):
    done = _store(rt, shops["shopify"].id, 2)
    _processed(rt, done)
    got = threading.Event()
    sent: list[list[int]] = []
    stop = InboxFeeder(rt.engine, lambda batch: (sent.append(batch), got.set()), interval=0.01).start()
    try:
        time.sleep(0.05)
        assert sent == []
        new = _store(rt, shops["shopify"].id, 1)
        assert got.wait(5) and sent == [new]
    finally:
        stop.set()


def test_the_embedded_web_app_stores_and_answers_and_queues_nothing_itself(rt, shops, monkeypatch):
    if not rt.settings.embedded:
        pytest.skip("the web processes queue their own deliveries off the embedded defaults")
    import integration.app as app_module
    handed: list[int] = []
    monkeypatch.setattr(app_module._DELIVERY_BATCHER, "put", handed.append)
    client = create_app({"TESTING": True}, rt=rt).test_client()
    response = post_fixture(client, "shopify", "orders_create")
    response.close()
    assert response.json["status"] == "accepted" and handed == []
    sent: list[list[int]] = []
    InboxFeeder(rt.engine, sent.append).feed_once()
    assert sent == [[response.json["delivery"]]]


def test_the_feeder_checkpoints_the_write_ahead_log(rt, shops):
    if not rt.settings.embedded:
        pytest.skip("SQLite's write-ahead log")
    from pathlib import Path
    database = Path(rt.engine.url.database)
    with rt.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10_000
    before = database.stat().st_size
    _store(rt, shops["shopify"].id, 50)   # a few hundred KB, in the write-ahead log only
    assert database.stat().st_size == before
    InboxFeeder(rt.engine, lambda batch: None).checkpoint()
    assert database.stat().st_size > before   # copied into the database file
