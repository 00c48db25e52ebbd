"""Stay under Shopify's cost bucket instead of running into it.

Shopify reports each shop's leaky bucket with every answer (extensions.cost.throttleStatus). We keep
that picture per shop as a schedule, project it forward at the restore rate, and have each call book
its expected cost first: a call that would overdraw the bucket waits its turn, briefly, in its thread;
a longer wait goes back to the queue as a retry at the right time, so a throttled shop never holds a
worker that another shop's actions could use.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

# Shopify's standard plan: a 1,000-point bucket refilled at 50 points a second, until a shop says otherwise.
DEFAULT_MAXIMUM, DEFAULT_RESTORE = 1000.0, 50.0
DEFAULT_COST = 10.0
# Pace at a little under the reported restore rate: answers arrive late and jittered, and a THROTTLED
# answer costs far more than the few percent of throughput this leaves unused.
PACE = 0.9
# Bookkeeping calls (order notes) never spend the last half of a shop's bucket: in a burst, the
# effects a customer waits for (approve, decline, refund, cancel) keep their points.
BACKGROUND_FLOOR = 0.5


@dataclass(eq=False)
class Reservation:
    """One call's claim on the bucket: its cost and when it may be sent (`taken` False: nothing claimed)."""
    cost: float
    send_at: float
    wait: float
    taken: bool = True


class CostBucket:
    """One shop's bucket as a schedule: the level after every call booked so far, projected at the restore
    rate and capped at the maximum as Shopify's is, so points a full bucket cannot hold are never counted."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.maximum, self.restore = DEFAULT_MAXIMUM, DEFAULT_RESTORE
        # Until the first answer tells us the shop's figures, assume little is left: a cold start paces
        # a burst for a moment instead of overdrawing a bucket that someone else has emptied.
        self.level, self.at = 2 * DEFAULT_COST, clock()   # `at` is the last booked send, or later
        self.pending: list[Reservation] = []               # booked, not answered yet
        self.reported = False   # True once Shopify has told us this shop's figures
        self.lock = threading.Lock()

    @property
    def rate(self) -> float:
        """Points a second we count on getting back."""
        return self.restore * PACE

    @property
    def ceiling(self) -> float:
        """The most we plan to find in the bucket: a plan that spends a full bucket at one instant leaves no room
        for the refill a full bucket loses while the calls are on their way, nor for Shopify's rounding."""
        return self.maximum * PACE

    def _level_at(self, when: float) -> float:
        return self.level if when <= self.at else min(self.ceiling, self.level + (when - self.at) * self.rate)

    def reserve(self, cost: float, max_wait: float = math.inf, floor: float = 0.0) -> Reservation:
        """Book `cost` points for the earliest moment `floor` points stay in the bucket after it; nothing is
        booked (taken False) when that is more than `max_wait` seconds away."""
        with self.lock:
            now = self.clock()
            when = max(self.at, now)
            level = self._level_at(when)
            floor = min(floor, max(self.ceiling - cost, 0.0))
            short = cost + floor - level
            if short > 0:
                when, level = when + short / self.rate, level + short
            booking = Reservation(cost, when, when - now, taken=when - now <= max_wait)
            if booking.taken:
                self.level, self.at = level - cost, when
                self.pending.append(booking)
            return booking

    def observe(self, booking: Reservation | None, status: dict | None) -> None:
        """The booked call (None: a figure from elsewhere) has answered; take Shopify's figures when it sent them."""
        with self.lock:
            if booking in self.pending:
                self.pending.remove(booking)
            if not status:
                return
            self.maximum = float(status.get("maximumAvailable") or self.maximum)
            self.restore = float(status.get("restoreRate") or self.restore)
            now = self.clock()
            level, when = self._replay(float(status.get("currentlyAvailable", self.level)), now)
            if self.reported:
                # Answers can arrive out of order: an older one does not count a newer call that has
                # already answered, so after the first report a figure only ever lowers the projection.
                level = min(level, self._level_at(when))
            self.reported = True
            self.level, self.at = level, when

    def _replay(self, available: float, now: float) -> tuple[float, float]:
        """Shopify's level now, less the calls sent but not answered, then the booked calls still to send."""
        # A sent call may already be in Shopify's figure; counting it twice is the safe way to be wrong.
        level = min(available, self.ceiling) - sum(b.cost for b in self.pending if b.send_at <= now)
        when = now
        for booking in sorted((b for b in self.pending if b.send_at > now), key=lambda b: b.send_at):
            level = min(self.ceiling, level + (booking.send_at - when) * self.rate) - booking.cost
            when = booking.send_at
        return level, when


class Buckets:
    """Every shop's bucket in this process, and each document's last known cost."""

    def __init__(self):
        self._buckets: dict[str, CostBucket] = {}
        self._costs: dict[str, float] = {}
        self._lock = threading.Lock()

    def bucket(self, shop_key: str) -> CostBucket:
        """The shop's bucket (created at Shopify's defaults)."""
        with self._lock:
            return self._buckets.setdefault(shop_key, CostBucket())

    def expected_cost(self, document: str) -> float:
        """What this document asked for last time (Shopify's requestedQueryCost), or a cautious default."""
        return self._costs.get(document, DEFAULT_COST)

    def learn_cost(self, document: str, cost: dict | None) -> None:
        """Remember the document's requested cost from an answer's extensions.cost."""
        if cost and cost.get("requestedQueryCost") is not None:
            self._costs[document] = float(cost["requestedQueryCost"])


BUCKETS = Buckets()
