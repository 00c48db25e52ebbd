"""The web process's delivery batcher: every committed id handed over is sent, in batches, even after a failure."""
import threading
import time

from integration.jobs.batcher import DeliveryBatcher


def test_every_id_from_many_threads_is_sent_once_in_capped_batches():
    batches = []
    batcher = DeliveryBatcher(lambda ids: (time.sleep(0.001), batches.append(list(ids))), max_batch=25)

    def hand_over(first):
        for i in range(first, first + 200):
            batcher.put(i)

    threads = [threading.Thread(target=hand_over, args=(n * 1000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert batcher.flush(10)
    sent = [i for batch in batches for i in batch]
    assert sorted(sent) == sorted(n * 1000 + i for n in range(4) for i in range(200))
    assert max(len(b) for b in batches) <= 25
    assert len(batches) < 800, "ids that arrive together share a message"


def test_a_lone_delivery_is_sent_after_the_linger_at_most():
    sent = threading.Event()
    batcher = DeliveryBatcher(lambda ids: sent.set())
    batcher.put(7)
    assert sent.wait(1)


def test_a_failed_send_does_not_stop_the_thread():
    batches = []

    def send(ids):
        if 1 in ids:
            raise ConnectionError("queue down")
        batches.append(ids)

    batcher = DeliveryBatcher(send)
    batcher.put(1)
    assert batcher.flush(2)
    batcher.put(2)
    assert batcher.flush(2)
    assert batches == [[2]]


def test_a_batch_task_processes_each_delivery_and_retries_a_failing_one_alone(monkeypatch):
    from integration.jobs import queue
    from integration.inbox import process as ingest
    processed, retried = [], []

    def process(rt, delivery_id, fetch, enqueue_action):
        if delivery_id == 2:
            raise ingest.OrderNotYetKnown("order 9 not seen yet")
        processed.append(delivery_id)

    monkeypatch.setattr(ingest, "process_delivery", process)
    monkeypatch.setattr(queue, "runtime", lambda: None)
    monkeypatch.setattr(queue.process_delivery_task, "schedule", lambda args, delay: retried.append((args, delay)))
    queue.process_deliveries_task.call_local([1, 2, 3])
    assert processed == [1, 3]
    assert retried == [((2,), queue.RETRY_DELAY_SECONDS)]
