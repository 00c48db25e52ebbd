"""What every platform adapter provides: read a delivery's headers, verify it, key it, parse it."""
from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DeliveryHeaders:
    """The platform's delivery metadata, read from untrusted headers (trusted only after verify)."""
    topic: str | None
    shop_key: str | None
    delivery_id: str | None = None
    event_id: str | None = None
    subscription_id: str | None = None    # the platform's id of the webhook that sent it (WooCommerce)
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    ok: bool
    status: int = 200
    reason: str = "ok"        # a stable log key, e.g. "invalid-signature"


class PlatformAdapter(Protocol):
    name: str
    topics: Mapping[str, Callable]          # supported topic -> parser
    ignored_topics: frozenset[str]          # known topics we do not use
    signature_header: str                   # the header that carries the delivery's signature

    def read_headers(self, headers: Mapping[str, str]) -> DeliveryHeaders: ...

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool: ...

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification: ...

    def dedupe_key(self, meta: DeliveryHeaders, payload: object, body: bytes) -> str: ...

    def version_key(self, topic: str, payload: object) -> str | None: ...

    def delivery_refs(self, topic: str, payload: object) -> tuple[str | None, str | None]: ...


class Ledger:
    """What a multi-step action has already done; the action runner's ledger saves each entry at once."""

    def __init__(self, progress: dict | None = None):
        self.progress = dict(progress or {})

    def get(self, name: str):
        """A step's recorded outcome, or None when it has not happened."""
        return self.progress.get(name)

    def record(self, name: str, value) -> None:
        """Remember a step that took effect, before the next one starts."""
        self.progress[name] = value


class ProcessOrderLocks:
    """Per-order locks among this process's threads; the action runner passes locks that hold across processes."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, order_id: str):
        """Run the block as the only holder of the order's lock."""
        with self._guard:
            lock = self._locks[str(order_id)]
        with lock:
            yield


_PROCESS_LOCKS = ProcessOrderLocks()


class ActionGateway:
    """Dispatches perform(kind, payload, key) to the subclass's do_<kind> method."""

    platform = "platform"
    ledger: Ledger
    locks = _PROCESS_LOCKS   # hold(order_id): look-then-create steps on one order never overlap
    labels = None   # adapters.easypost.client.ReturnLabels when the shop can buy return labels

    def perform(self, kind: str, payload: dict, key: str, ledger: Ledger | None = None, locks=None) -> dict:
        """Run one action; raises PlatformError (retryable or not)."""
        from adapters.http import PlatformError
        handler = getattr(self, f"do_{kind}", None)
        if handler is None:
            raise PlatformError(f"{self.platform}: no action {kind!r}", retryable=False)
        self.ledger = ledger or Ledger()
        self.locks = locks or _PROCESS_LOCKS
        return handler(payload, key)

    def bought_label(self, customer_address: Callable[[], dict], key: str) -> dict:
        """The action's return label: bought once (the ledger remembers it), then reused by every retry."""
        from adapters.http import PlatformError
        label = self.ledger.get("label")
        if label is None:
            if self.labels is None:
                raise PlatformError(f"{self.platform}: no label account (EasyPost key and return address) is set up",
                                    retryable=False)
            label = self.labels.buy(customer_address(), key, self.ledger)
            self.ledger.record("label", label)
        return label
