"""Stay under Shopify's cost bucket instead of running into it.

Shopify reports each shop's leaky bucket with every answer (extensions.cost.throttleStatus). We keep
that picture per shop, project it forward at the restore rate, and have each call reserve its
expected cost first: a call that would overdraw the bucket waits its turn, briefly, in its thread;
a longer wait goes back to the queue as a retry at the right time, so a throttled shop never holds a
worker that another shop's actions could use.
"""
from __future__ import annotations

import threading
import time

# Shopify's standard plan: a 1,000-point bucket refilled at 50 points a second, until a shop says otherwise.
DEFAULT_MAXIMUM, DEFAULT_RESTORE = 1000.0, 50.0
DEFAULT_COST = 10.0
# Pace at a little under the reported restore rate: answers arrive late and jittered, and a THROTTLED
# answer costs far more than the few percent of throughput this leaves unused.
PACE = 0.9
# Bookkeeping calls (order notes) never spend the last half of a shop's bucket: in a burst, the
# effects a customer waits for (approve, decline, refund, cancel) keep their points.
BACKGROUND_FLOOR = 0.5


class CostBucket:
    """One shop's bucket as last reported, projected forward; calls reserve their cost before sending."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.maximum, self.restore = DEFAULT_MAXIMUM, DEFAULT_RESTORE
        # Until the first answer tells us the shop's figures, assume little is left: a cold start paces
        # a burst for a moment instead of overdrawing a bucket that someone else has emptied.
        self.available, self.at = 2 * DEFAULT_COST, clock()
        self.in_flight = 0.0
        self.reported = False   # True once Shopify has told us this shop's figures
        self.lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self.available = min(self.maximum, self.available + (now - self.at) * self.restore * PACE)
        self.at = now

    def reserve(self, cost: float) -> float:
        """Take `cost` points; the seconds to wait before sending (0 when the bucket holds them now)."""
        with self.lock:
            self._refill(self.clock())
            self.available -= cost       # may go negative: later callers queue behind this one
            self.in_flight += cost
            return max(-self.available / (self.restore * PACE), 0.0)

    def reserve_above(self, cost: float, floor: float) -> float:
        """Take `cost` points only if `floor` points stay in the bucket: 0 when taken, else the seconds until
        they would (nothing is taken, so the caller queues behind no one and no one behind it)."""
        with self.lock:
            self._refill(self.clock())
            if self.available - cost < floor:
                return (floor + cost - self.available) / (self.restore * PACE)
            self.available -= cost
            self.in_flight += cost
            return 0.0

    def release(self, cost: float) -> None:
        """Give back a reservation whose call was not sent."""
        with self.lock:
            self.available += cost
            self.in_flight = max(self.in_flight - cost, 0.0)

    def observe(self, cost: float, status: dict | None) -> None:
        """The call reserved with `cost` has answered; take Shopify's own figures when it sent them."""
        with self.lock:
            self.in_flight = max(self.in_flight - cost, 0.0)
            if not status:
                return
            self.reported = True
            self.maximum = float(status.get("maximumAvailable") or self.maximum)
            self.restore = float(status.get("restoreRate") or self.restore)
            # Calls still in flight were reserved against the old picture; keep them reserved.
            self.available, self.at = float(status.get("currentlyAvailable", self.available)) - self.in_flight, self.clock()


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
