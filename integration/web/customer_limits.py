"""Rate limits on a customer's proof of an order (its number and email), on the request page and the request API.

Counted on the canonical shop (its id, however its address was typed) and the order number as the lookup reads
it: every try per client address on the shop and on the order, and failed proofs of the order from every address
together. The per-order count takes failures only, one address cannot reach it alone, and its window ends: someone
guessing emails can hold a real customer back for at most an hour after they stop, never lock them out for good.
"""
from __future__ import annotations

import hashlib
import logging

from flask import request
from limits import parse_many

from integration.web.limits import first_exceeded, limiter

ON_SHOP = "20 per minute;100 per hour"      # tries from one address on one shop, whatever the order number
ON_ORDER = "5 per minute;20 per hour"       # tries from one address on one order
FAILED_ON_ORDER = "50 per hour"             # failed proofs of one order, from every address together
_PREFIX = "returnkit-proof"
log = logging.getLogger(__name__)


class TooManyTries(Exception):
    """This address or this order has had its tries for now; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many tries; try again in {retry_after} seconds")
        self.retry_after = retry_after


def order_number(typed: object) -> str:
    """The order number as the lookup reads it ('#1001 ' is 1001)."""
    return str(typed or "").strip().lstrip("#")


def _order_id(shop_id: int, typed: object) -> str:
    # Hashed: what a stranger typed is kept out of the limiter's storage, and no separator can be forged in it.
    return hashlib.sha256(f"{shop_id}\0{order_number(typed)}".encode()).hexdigest()[:32]


def _counters(shop_id: int, typed: object) -> list[tuple]:
    address, order = request.remote_addr or "unknown", _order_id(shop_id, typed)
    specs = [(ON_SHOP, ("shop", str(shop_id), address)), (ON_ORDER, ("order", order, address)),
             (FAILED_ON_ORDER, ("failed", order))]
    return [(item, (_PREFIX, *ids)) for spec, ids in specs for item in parse_many(spec)]


def count_try(shop_id: int, typed_number: object) -> None:
    """Count a try at proving this order from this address; TooManyTries, counting nothing, when over a limit."""
    if not limiter.enabled:
        return
    counters = _counters(shop_id, typed_number)
    if over := first_exceeded(counters):
        log.warning("customer.proof-limited: shop %s, %s", shop_id, over[1][1])
        raise TooManyTries(over[2])
    for item, ids in counters:
        if ids[1] != "failed":   # failures are counted on the order by proof_failed
            limiter.limiter.hit(item, *ids)


def proof_failed(shop_id: int, typed_number: object) -> None:
    """Count a failed proof (no order with this number and email) on the order, from every address together."""
    if limiter.enabled:
        for item, ids in _counters(shop_id, typed_number):
            if ids[1] == "failed":
                limiter.limiter.hit(item, *ids)
