"""What every platform adapter provides: read a delivery's headers, verify it, key it, parse it."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DeliveryHeaders:
    """The platform's delivery metadata, read from untrusted headers (trusted only after verify)."""
    topic: str | None
    shop_key: str | None
    delivery_id: str | None = None
    event_id: str | None = None
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

    def read_headers(self, headers: Mapping[str, str]) -> DeliveryHeaders: ...

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool: ...

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification: ...

    def dedupe_key(self, meta: DeliveryHeaders, payload: object, body: bytes) -> str: ...

    def delivery_refs(self, topic: str, payload: object) -> tuple[str | None, str | None]: ...


class ActionGateway:
    """Dispatches perform(kind, payload, key) to the subclass's do_<kind> method."""

    platform = "platform"

    def perform(self, kind: str, payload: dict, key: str) -> dict:
        """Run one action; raises PlatformError (retryable or not)."""
        from adapters.http import PlatformError
        handler = getattr(self, f"do_{kind}", None)
        if handler is None:
            raise PlatformError(f"{self.platform}: no action {kind!r}", retryable=False)
        return handler(payload, key)
