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
# Bounds per process: a sender can name any number of shops that do not exist, and each name it sends must not
# stay in memory (1,500 unknown 7 KB headers held 8 to 15 MiB per worker). Installed shops get a store of their own,
# so a flood of unknown names never pushes them out.
MAX_SHOPS = 10_000
MAX_UNKNOWN = 1_000
UNKNOWN_SECONDS = SNAPSHOT_SECONDS
# A shop's domain column holds 255 characters (a header may add a scheme or a slash): a longer key names no shop,
# and is neither looked up nor kept.
MAX_KEY_CHARS = 300


class BoundedStore:
    """key -> (loaded_at, value): at most `size` entries, each good for `ttl` seconds."""

    def __init__(self, size: int, ttl: float):
        self.size, self.ttl = size, ttl
        self.items: dict = {}

    def get(self, key, now: float):
        """(loaded_at, value) while it is fresh, else None."""
        hit = self.items.get(key)
        return hit if hit is not None and now - hit[0] < self.ttl else None

    def put(self, key, now: float, value) -> None:
        """Keep the value (as the newest entry), making room when the store is full."""
        self.items.pop(key, None)
        if len(self.items) >= self.size:
            self._evict(now)
        self.items[key] = (now, value)

    def pop(self, key) -> None:
        """Forget the key."""
        self.items.pop(key, None)

    def _evict(self, now: float) -> None:
        # Stale entries go, then the oldest down to half: a full store is swept once per size/2 insertions.
        self.items = {k: v for k, v in self.items.items() if now - v[0] < self.ttl}
        for key in list(self.items)[:max(len(self.items) - self.size // 2, 0)]:
            del self.items[key]


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
    """(platform, shop key) -> ShopSnapshot | None: installed shops for SNAPSHOT_SECONDS, unknown keys for
    UNKNOWN_SECONDS, each store bounded."""

    def __init__(self, sessions, clock=time.monotonic):
        self.sessions = sessions
        self.clock = clock
        self._shops = BoundedStore(MAX_SHOPS, SNAPSHOT_SECONDS)
        self._unknown = BoundedStore(MAX_UNKNOWN, UNKNOWN_SECONDS)

    def lookup(self, platform: str, shop_key: str | None) -> ShopSnapshot | None:
        """The shop this key names on this platform, or None when none is installed."""
        if shop_key is not None and len(shop_key) > MAX_KEY_CHARS:
            return None
        try:
            domain = normalize_domain(platform, shop_key or "")
        except ShopError:
            return None
        now, key = self.clock(), (platform, domain)
        cached = self._shops.get(key, now) or self._unknown.get(key, now)
        if cached:
            return cached[1]
        snapshot = self._load(platform, domain, now)
        (self._shops if snapshot is not None else self._unknown).put(key, now, snapshot)
        (self._unknown if snapshot is not None else self._shops).pop(key)
        return snapshot

    def recheck(self, platform: str, shop_key: str | None, snapshot: ShopSnapshot) -> ShopSnapshot | None:
        """A fresh snapshot when `snapshot` is old enough to be worth reloading after a failed signature."""
        if self.clock() - snapshot.loaded_at < RECHECK_AFTER_SECONDS:
            return None
        domain = normalize_domain(platform, shop_key or "")
        self._shops.pop((platform, domain))
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
