"""Two refunds on one WooCommerce order never look for our marker and create at the same time: the
order's lock (a lease row, compare-and-set) holds across threads and worker processes alike."""
import threading
from contextlib import contextmanager

from integration.db.models import Shop
from integration.outbox.gateways import platform_gateway
from integration.outbox.locks import DatabaseOrderLocks
from tests.e2e.test_woocommerce_actions import ORDER, woo  # noqa: F401  (the fixture)


class NoLocks:
    @contextmanager
    def hold(self, order_id):
        yield


def refund(key: str) -> tuple:
    """One of line 41's two units (20.00 each): the refund's money comes from the order's line, not the payload."""
    return ("refund", {"order_id": ORDER, "amount": "0.01", "currency": "USD", "shipping": "0.00",
                       "lines": [["41", 1]]}, key)


def run_together(rt, shop_id, jobs, make_locks) -> list:
    """Each job in its own thread, with its own gateway and locks (as two workers would), started at once."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
    start, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(n, job):
        gateway = platform_gateway(shop)
        start.wait()
        results[n] = gateway.perform(*job, None, make_locks())
    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_the_same_refund_run_twice_at_once_lands_once(rt, shops, woo):  # noqa: F811
    woo.latency = 0.2   # both look before either creates, unless the lock orders them
    results = run_together(rt, shops["woocommerce"].id, [refund("returnkit-1-0-refund")] * 2,
                           lambda: DatabaseOrderLocks(rt, shops["woocommerce"].id))
    assert len(woo.refunds[ORDER]) == 1
    assert sorted("skipped" in r for r in results) == [False, True]


def test_without_the_lock_the_race_is_real(rt, shops, woo):  # noqa: F811
    woo.latency = 0.2
    run_together(rt, shops["woocommerce"].id, [refund("returnkit-1-0-refund")] * 2, NoLocks)
    assert len(woo.refunds[ORDER]) == 2   # what the lock prevents: one intent, refunded twice


def test_two_refunds_for_one_order_both_land_once_each(rt, shops, woo):  # noqa: F811
    woo.latency = 0.1
    keys = ["returnkit-1-0-refund", "returnkit-2-0-refund"]
    run_together(rt, shops["woocommerce"].id, [refund(keys[0]), refund(keys[1])] * 2,
                 lambda: DatabaseOrderLocks(rt, shops["woocommerce"].id))
    landed = sorted((r["amount"], r["reason"].split("[")[1]) for r in woo.refunds[ORDER])
    assert landed == [("20.00", keys[0] + "]"), ("20.00", keys[1] + "]")]


def test_a_lock_left_by_a_killed_holder_expires(rt, shops, monkeypatch):
    from datetime import timedelta
    import integration.outbox.locks as order_locks
    locks = DatabaseOrderLocks(rt, shops["woocommerce"].id, wait=0.2)
    with monkeypatch.context() as patch:
        patch.setattr(order_locks, "LEASE", timedelta(seconds=-1))
        assert locks._take(ORDER, "killed-worker")
    with locks.hold(ORDER):   # the dead holder's lease has run out: taken over, not waited on forever
        pass
    assert locks._take(ORDER, "next") and not locks._take(ORDER, "another")
