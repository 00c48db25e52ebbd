"""What every platform adapter provides: read a delivery's headers, verify it, key it, parse it."""
from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from integration.domain.actions import InvalidPayload, payload_of


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
    """Everything returnkit knows of one platform; services ask `adapters.registry.ADAPTERS`, never the name."""

    name: str                               # the registry key, stored on each shop
    title: str                              # how people write it
    topics: Mapping[str, Callable]          # supported topic -> parser
    ignored_topics: frozenset[str]          # known topics we do not use
    compliance_topics: frozenset[str]       # topics processed even for a shop that uninstalled returnkit
    signature_header: str                   # the header that carries the delivery's signature
    credentials: tuple[str, ...]            # the shop's credential fields this platform uses
    checks_store_url: bool                  # the shop's domain is a URL a merchant typed: checked against SSRF
    default_production_signals: tuple[str, ...]   # order tags, statuses or meta keys meaning "in production"
    opens_returns: bool                     # a request made through returnkit opens a platform return
    actions: type[ActionGateway]            # the action client: actions(api_client, return_labels)
    sweep: ReconcileSource                  # what the reconciliation sweep reads

    # Inbound: a delivery's headers, signature, keys and what it is about.
    def read_headers(self, headers: Mapping[str, str]) -> DeliveryHeaders: ...

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool: ...

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification: ...

    def dedupe_key(self, meta: DeliveryHeaders, payload: object, body: bytes) -> str: ...

    def version_key(self, topic: str, payload: object) -> str | None: ...

    def delivery_refs(self, topic: str, payload: object) -> tuple[str | None, str | None]: ...

    def sweep_headers(self, topic: str, happened: str | None) -> dict[str, str]: ...

    # Shops: how the platform names a shop.
    def prepare(self) -> None: ...   # process-wide setup, called by the app factory (never at import)

    def normalize_domain(self, domain: str) -> str: ...   # ValueError naming the field

    def public_slug(self, domain: str) -> str: ...

    # Outbound: credentials, the API client and webhook subscriptions.
    def client(self, shop, timeout: float): ...   # None without credentials

    def connect(self, shop, settings, sessions): ...   # the shop with credentials usable now

    def refresh_credentials(self, rt) -> int: ...

    def check_subscriptions(self, rt, shop) -> tuple[dict[str, str], str | None]: ...


class ReconcileSource(Protocol):
    """A platform's side of the reconciliation sweep (adapters/<platform>/reconcile.py)."""

    def changed_orders(self, client, since) -> Iterator[list[dict]]: ...

    def updated_at(self, resource: dict): ...

    def deliveries(self, resource: dict) -> list[tuple[str, dict, str | None]]: ...


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
        self._claims: dict[str, str] = {}

    def claim(self, name: str, holder: str) -> bool:
        """Take a claim that outlives one attempt (see DatabaseOrderLocks.claim): True when `holder` has it."""
        with self._guard:
            return self._claims.setdefault(name, holder) == holder

    def unclaim(self, name: str, holder: str) -> None:
        """Give the claim up, if `holder` has it."""
        with self._guard:
            if self._claims.get(name) == holder:
                del self._claims[name]

    @contextmanager
    def hold(self, order_id: str):
        """Run the block as the only holder of the order's lock."""
        with self._guard:
            lock = self._locks[str(order_id)]
        with lock:
            yield


_PROCESS_LOCKS = ProcessOrderLocks()

# Kinds added after the first platforms: a platform that has no way to do one refuses it with these words, and the
# planner falls back to what a person does (a staff note).
OPTIONAL_KINDS: Mapping[str, str] = {
    "create_replacement": "this platform's orders cannot be created through returnkit: ship the replacement yourself "
                          "(the order note says what)",
    "close_return": "this platform has no returns of its own to close: the request is tracked in returnkit",
    "create_exchange": "returnkit cannot create this platform's exchange orders yet: ship the exchange yourself "
                       "(the order note says what)",
    "change_variant": "returnkit cannot change a line's variant on this platform's orders: change it yourself (the "
                      "order note says what)",
}


class ActionGateway:
    """Dispatches perform(kind, payload, key) to the subclass's do_<kind> method."""

    platform = "platform"
    ledger: Ledger
    locks = _PROCESS_LOCKS   # hold(order_id): look-then-create steps on one order never overlap
    labels = None   # adapters.easypost.client.ReturnLabels when the shop can buy return labels

    # The action kinds this platform cannot carry out, each with why, in words for the merchant (the action's
    # error on the activity page); every other kind has a do_<kind> method (tests/outbox/test_action_kinds.py).
    unsupported: Mapping[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        """A platform that neither does nor refuses an optional kind refuses it in OPTIONAL_KINDS' words."""
        super().__init_subclass__(**kwargs)
        missing = {kind: reason for kind, reason in OPTIONAL_KINDS.items()
                   if not hasattr(cls, f"do_{kind}") and kind not in cls.unsupported}
        if missing:
            cls.unsupported = {**cls.unsupported, **missing}

    @classmethod
    def can(cls, kind: str) -> bool:
        """Whether this platform carries out the action kind (the planner plans only what it can)."""
        return kind not in cls.unsupported and hasattr(cls, f"do_{kind}")

    def perform(self, kind: str, payload: dict, key: str, ledger: Ledger | None = None, locks=None) -> dict:
        """Run one action with its typed payload; raises PlatformError (retryable or not)."""
        from adapters.http import PlatformError
        if kind in self.unsupported:
            raise PlatformError(f"{self.platform}: {self.unsupported[kind]}", retryable=False)
        handler = getattr(self, f"do_{kind}", None)
        if handler is None:
            raise PlatformError(f"{self.platform}: no action {kind!r}", retryable=False)
        try:
            typed = payload_of(kind, payload)
        except InvalidPayload as exc:
            raise PlatformError(f"{self.platform}: {exc}", retryable=False) from None
        self.ledger = ledger or Ledger()
        self.locks = locks or _PROCESS_LOCKS
        return handler(typed, key)

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
