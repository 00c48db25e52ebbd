"""Who is this delivery for? A short-lived, per-process snapshot of each shop's receiving facts.

Looking the shop up and decrypting its secrets on every delivery costs more than the rest of the
receiver together; a few seconds of staleness is harmless (an uninstall stops deliveries within
SNAPSHOT_SECONDS, and secret rotation keeps the previous secret valid meanwhile).
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from integration.db.models import Shop, WebhookSubscription
from integration.shops.core import ShopError, normalize_domain

SNAPSHOT_SECONDS = 5.0
# A signature that fails against a snapshot at least this old is checked once more against a fresh one:
# a webhook created or re-keyed by a connect in the last few seconds must not lose its first deliveries
# (WooCommerce never retries), and a flood of bad signatures costs at most one query per shop per second.
RECHECK_AFTER_SECONDS = 1.0


@dataclass(frozen=True)
class ShopSnapshot:
    id: int
    active: bool
    secrets: tuple[str, ...]
    webhook_secrets: Mapping[str, str] = field(default_factory=dict)   # platform webhook id -> its own secret
    loaded_at: float = 0.0

    def secrets_for(self, subscription_id: str | None) -> tuple[str, ...]:
        """The secrets a delivery from this webhook may be signed with: its own, or else the shop's."""
        own = self.webhook_secrets.get(subscription_id or "")
        return (own,) if own else self.secrets


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
        snapshot = self._load(platform, domain, now)
        self._entries[(platform, domain)] = (now, snapshot)
        return snapshot

    def recheck(self, platform: str, shop_key: str | None, snapshot: ShopSnapshot) -> ShopSnapshot | None:
        """A fresh snapshot when `snapshot` is old enough to be worth reloading after a failed signature."""
        if self.clock() - snapshot.loaded_at < RECHECK_AFTER_SECONDS:
            return None
        domain = normalize_domain(platform, shop_key or "")
        self._entries.pop((platform, domain), None)
        return self.lookup(platform, shop_key)

    def _load(self, platform: str, domain: str, now: float) -> ShopSnapshot | None:
        with self.sessions() as session:
            shop = session.scalar(select(Shop).where(Shop.platform == platform, Shop.domain == domain))
            if shop is None:
                return None
            secrets = tuple(s for s in (shop.webhook_secret, shop.previous_webhook_secret) if s)
            rows = session.execute(select(WebhookSubscription.remote_id, WebhookSubscription.secret).where(
                WebhookSubscription.shop_id == shop.id, WebhookSubscription.remote_id.is_not(None)))
            own = {remote_id: secret for remote_id, secret in rows if secret}
            return ShopSnapshot(shop.id, shop.active, secrets, own, now)
