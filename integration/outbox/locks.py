"""Per-order locks that hold across worker processes: a lease row taken by compare-and-set.

Each take and release is its own short transaction, so no database lock is held while the platform
is called; a holder killed mid-call leaves a lease that expires.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.http import PlatformError
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.request_models import OrderLock

# Longer than a look-then-create sequence can take (two calls with a 10 s timeout each).
LEASE = timedelta(seconds=60)
# A claim held across an action's attempts ends with the action; this bounds one whose action died mid-way.
CLAIM_LEASE = timedelta(minutes=30)
POLL_SECONDS = 0.05


class DatabaseOrderLocks:
    """hold(order_id): the shop's lock on that order, waiting up to `wait` seconds for it."""

    def __init__(self, rt, shop_id: int, wait: float = 15.0):
        self.rt, self.shop_id, self.wait = rt, shop_id, wait

    def _ensure_row(self, session, order_id: str) -> None:
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(OrderLock).values(shop_id=self.shop_id, order_id=order_id)
                        .on_conflict_do_nothing())

    def _take(self, order_id: str, holder: str, lease: timedelta | None = None) -> bool:
        now, lease = utcnow(), lease or LEASE
        with transaction(self.rt.sessions) as session:
            self._ensure_row(session, order_id)
            taken = session.execute(update(OrderLock).where(
                OrderLock.shop_id == self.shop_id, OrderLock.order_id == order_id,
                or_(OrderLock.holder.is_(None), OrderLock.expires_at < now, OrderLock.holder == holder),
            ).values(holder=holder, expires_at=now + lease))
            return taken.rowcount == 1

    def claim(self, name: str, holder: str) -> bool:
        """Take a claim that outlives one attempt: free, expired, or `holder`'s already (its retry takes it again).
        For a step whose lost answer can only be recognised if nobody else did the same meanwhile."""
        return self._take(name[:64], holder[:64], CLAIM_LEASE)

    def unclaim(self, name: str, holder: str) -> None:
        """Give the claim up, if `holder` has it."""
        self._release(name[:64], holder[:64])

    def _release(self, order_id: str, holder: str) -> None:
        with transaction(self.rt.sessions) as session:
            session.execute(update(OrderLock).where(
                OrderLock.shop_id == self.shop_id, OrderLock.order_id == order_id, OrderLock.holder == holder,
            ).values(holder=None, expires_at=None))

    @contextmanager
    def hold(self, order_id: str):
        """Run the block as the only holder of the order's lock; a long wait becomes a retry."""
        holder, deadline = uuid.uuid4().hex, time.monotonic() + self.wait
        while not self._take(str(order_id), holder):
            if time.monotonic() > deadline:
                # Waiting is no failure of this action: like a rate limit, it uses up no attempt.
                raise PlatformError(f"order {order_id} is locked by another action", retryable=True,
                                    throttled=True, retry_after=2)
            time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            self._release(str(order_id), holder)
