"""Who is this delivery for? A short-lived, per-process snapshot of each shop's receiving facts.

Looking the shop up and decrypting its secrets on every delivery costs more than the rest of the
receiver together; a few seconds of staleness is harmless (an uninstall stops deliveries within
SNAPSHOT_SECONDS, and secret rotation keeps the previous secret valid meanwhile).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select

from integration.db.models import Shop
from integration.services.shops import ShopError, normalize_domain

SNAPSHOT_SECONDS = 5.0


@dataclass(frozen=True)
class ShopSnapshot:
    id: int
    active: bool
    secrets: tuple[str, ...]


class ShopCache:
    """(platform, shop key) -> ShopSnapshot | None, each entry kept for SNAPSHOT_SECONDS."""

    def __init__(self, sessions, clock=time.monotonic):
        self.sessions = sessions
        self.clock = clock
        self._entries: dict[tuple[str, str], tuple[float, ShopSnapshot | None]] = {}

    def lookup(self, platform: str, shop_key: str | None) -> ShopSnapshot | None:
        """The shop this key names on this platform, or None when none is installed."""
        try:
            domain = normalize_domain(platform, shop_key or "")
        except ShopError:
            return None
        now = self.clock()
        cached = self._entries.get((platform, domain))
        if cached and now - cached[0] < SNAPSHOT_SECONDS:
            return cached[1]
        snapshot = self._load(platform, domain)
        self._entries[(platform, domain)] = (now, snapshot)
        return snapshot

    def _load(self, platform: str, domain: str) -> ShopSnapshot | None:
        with self.sessions() as session:
            shop = session.scalar(select(Shop).where(Shop.platform == platform, Shop.domain == domain))
            if shop is None:
                return None
            secrets = tuple(s for s in (shop.webhook_secret, shop.previous_webhook_secret) if s)
            return ShopSnapshot(shop.id, shop.active, secrets)
