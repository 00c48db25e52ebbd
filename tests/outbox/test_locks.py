"""Per-order locks across processes: one holder at a time, a long wait a retry, a release only by its holder."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from adapters.http import PlatformError
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.request_models import OrderLock
from integration.outbox.locks import DatabaseOrderLocks


def _row(rt, shop_id: int, order_id: str) -> OrderLock:
    with rt.sessions() as session:
        return session.scalar(select(OrderLock).where(OrderLock.shop_id == shop_id, OrderLock.order_id == order_id))


def test_a_held_order_makes_a_second_holder_wait_then_retry_while_other_orders_and_shops_are_free(rt, shops):
    shop, other_shop = shops["shopify"].id, shops["woocommerce"].id
    locks = DatabaseOrderLocks(rt, shop, wait=0.2)
    with locks.hold("A"):
        with pytest.raises(PlatformError) as waited:
            with DatabaseOrderLocks(rt, shop, wait=0.2).hold("A"):
                pass
        assert waited.value.retryable and "order A is locked" in str(waited.value)
        assert waited.value.throttled   # waiting for another action uses up none of its attempts
        with locks.hold("B"), DatabaseOrderLocks(rt, other_shop, wait=0.2).hold("A"):
            assert _row(rt, other_shop, "A").holder is not None
        assert _row(rt, shop, "A").holder is not None   # B's release left A held
    row = _row(rt, shop, "A")
    assert (row.holder, row.expires_at) == (None, None)
    with locks.hold("A"):   # taken again, with free rows for B and for the other shop's A beside it
        assert _row(rt, shop, "A").holder is not None and _row(rt, other_shop, "A").holder is None


def test_only_its_holder_releases_a_lock_and_an_expired_lease_can_be_taken_over(rt, shops):
    shop = shops["shopify"].id
    locks = DatabaseOrderLocks(rt, shop)
    assert locks._take("A", "h1") and not locks._take("A", "h2")
    with transaction(rt.sessions) as session:   # h1 was killed: its lease ran out
        session.execute(update(OrderLock).where(OrderLock.order_id == "A").values(
            expires_at=utcnow() - timedelta(seconds=1)))
    assert locks._take("A", "h2")
    locks._release("A", "h1")                   # h1 comes back late: it no longer holds anything
    assert _row(rt, shop, "A").holder == "h2" and not locks._take("A", "h3")
    locks._release("A", "h2")
    assert locks._take("A", "h3")


def test_a_claim_outlives_an_attempt_is_taken_again_by_its_holder_and_expires_for_the_others(rt, shops):
    from adapters.base import ProcessOrderLocks
    shop = shops["shopify"].id
    for locks, other in ((DatabaseOrderLocks(rt, shop), DatabaseOrderLocks(rt, shop)), (ProcessOrderLocks(),) * 2):
        assert locks.claim("bonus", "action-1") and locks.claim("bonus", "action-1")   # its retry takes it again
        assert not other.claim("bonus", "action-2")
        other.unclaim("bonus", "action-2")   # not its claim: nothing changes
        assert not other.claim("bonus", "action-2")
        locks.unclaim("bonus", "action-1")
        assert other.claim("bonus", "action-2")
        other.unclaim("bonus", "action-2")
    DatabaseOrderLocks(rt, shop).claim("bonus", "dead-action")
    with transaction(rt.sessions) as session:   # its action died: the claim's lease ran out
        session.execute(update(OrderLock).where(OrderLock.order_id == "bonus").values(
            expires_at=utcnow() - timedelta(seconds=1)))
    assert DatabaseOrderLocks(rt, shop).claim("bonus", "action-3")
