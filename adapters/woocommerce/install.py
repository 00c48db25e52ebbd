"""Connecting a WooCommerce store: the /wc-auth/v1/authorize key flow, keys pasted by hand, and the
webhooks returnkit creates on the store, each signed with a secret of its own."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapters.http import PlatformError
from adapters.woocommerce.client import WooCommerceClient
from integration.db.base import utcnow
from integration.db.models import PendingInstall, Shop
from integration.policy.loader import preset_names, resolve_policy_path
from integration.shops.core import ShopError, add_shop, normalize_domain
from adapters.store_session import store_session
from adapters.store_urls import Resolver, StoreUrlError, check_store_url, system_resolver
from adapters.woocommerce.webhooks import sync_webhooks
from integration.settings import Settings

PLATFORM = "woocommerce"
DEFAULT_POLICY = "kaolate"
PENDING_LIFETIME = timedelta(minutes=15)
SCOPE = "read_write"


class ConnectError(ValueError):
    """A connect that cannot go on; the message names the field and the fix, `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StoreKeys:
    store_url: str
    consumer_key: str
    consumer_secret: str


@dataclass(frozen=True)
class WooConnector:
    """What connecting needs from outside: the settings (public URL, timeout, dev flag) and a resolver."""
    settings: Settings
    resolver: Resolver = system_resolver

    def check(self, store_url: str) -> str:
        """The canonical store URL, once it is public (or the dev flag allows it); raises ConnectError."""
        try:
            return check_store_url(store_url, self.resolver, self.settings.allow_private_store_urls)
        except StoreUrlError as exc:
            raise ConnectError(str(exc)) from None

    def client(self, keys: StoreKeys) -> WooCommerceClient:
        """A REST client for these keys whose every connection is guarded."""
        session = store_session(self.settings.allow_private_store_urls, self.resolver)
        return WooCommerceClient(keys.store_url, keys.consumer_key, keys.consumer_secret,
                                 self.settings.http_timeout, session)


def choose_policy(name: str | None) -> str:
    """The preset to start from: the merchant's pick, or kaolate; raises ConnectError for an unknown one."""
    name = (name or DEFAULT_POLICY).strip()
    if name not in preset_names():
        raise ConnectError(f"policy: {name!r} is not a preset; pick one of: {', '.join(preset_names())}")
    return name


def start_connect(db: Session, connector: WooConnector, store_url: str, policy_name: str | None) -> PendingInstall:
    """Remember a connect that the store will confirm by sending back the pending install's nonce."""
    url = normalize_domain(PLATFORM, connector.check(store_url))
    pending = PendingInstall(platform=PLATFORM, domain=url, nonce=secrets.token_urlsafe(32),
                             policy_name=choose_policy(policy_name), expires_at=utcnow() + PENDING_LIFETIME)
    db.add(pending)
    db.flush()
    return pending


def authorize_url(pending: PendingInstall, public_url: str, return_url: str) -> str:
    """Where to send the merchant: the store's own page to approve returnkit's keys."""
    query = urlencode({"app_name": "returnkit", "scope": SCOPE, "user_id": pending.nonce,
                       "return_url": return_url, "callback_url": f"{public_url}/woocommerce/callback"})
    return f"{pending.domain}/wc-auth/v1/authorize?{query}"


def _callback_fields(payload) -> tuple[str, str, str]:
    if not isinstance(payload, dict):
        raise ConnectError("body: must be the JSON object WooCommerce sends", 400)
    values = {}
    for name in ("user_id", "consumer_key", "consumer_secret"):
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ConnectError(f"{name}: is required and must be a string", 400)
        values[name] = value.strip()
    if payload.get("key_permissions") != SCOPE:
        raise ConnectError(f"key_permissions: returnkit needs {SCOPE!r} keys, not {payload.get('key_permissions')!r}",
                           403)
    return values["user_id"], values["consumer_key"], values["consumer_secret"]


def claim_pending(db: Session, user_id: str) -> PendingInstall:
    """Mark the unexpired, unused pending install with this nonce as completed; raises ConnectError otherwise.

    One UPDATE with the conditions in its WHERE: of two callbacks racing with one nonce, one wins."""
    now = utcnow()
    claimed = db.execute(update(PendingInstall).where(
        PendingInstall.nonce == user_id, PendingInstall.platform == PLATFORM, PendingInstall.completed_at.is_(None),
        PendingInstall.expires_at > now).values(completed_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise ConnectError("user_id: no pending connect matches it, or it has expired or been used; "
                           "start again from returnkit's connect page", 404)
    return db.scalar(select(PendingInstall).where(PendingInstall.nonce == user_id))


def complete_callback(db: Session, connector: WooConnector, payload) -> Shop:
    """The store's key callback: claim its pending install, then connect the shop with the keys it sent."""
    user_id, key, secret = _callback_fields(payload)
    pending = claim_pending(db, user_id)
    return connect_shop(db, connector, StoreKeys(pending.domain, key, secret), pending.policy_name)


def _check_can_read_orders(client: WooCommerceClient, keys: StoreKeys) -> None:
    try:
        found = client.get("orders", params={"per_page": 1})
    except PlatformError as exc:
        if exc.status in (401, 403):
            raise ConnectError(f"consumer_key: the store refused these keys for reading orders (HTTP {exc.status}); "
                               "create Read/Write keys under WooCommerce → Settings → Advanced → REST API") from None
        raise ConnectError(f"store_url: could not read orders from {keys.store_url}: {exc}", 502) from None
    if found is None:
        raise ConnectError(f"store_url: {keys.store_url} has no WooCommerce REST API (wp-json/wc/v3 answered 404); "
                           "check the address and that permalinks are on")


def connect_shop(db: Session, connector: WooConnector, keys: StoreKeys, policy_name: str | None) -> Shop:
    """Check the keys read orders, create or re-activate the shop, and (re)create its webhooks."""
    keys = StoreKeys(connector.check(keys.store_url), keys.consumer_key.strip(), keys.consumer_secret.strip())
    if not (keys.consumer_key and keys.consumer_secret):
        raise ConnectError("consumer_key: give both the consumer key and the consumer secret")
    client = connector.client(keys)
    _check_can_read_orders(client, keys)
    shop = _save_shop(db, connector, keys, choose_policy(policy_name))
    try:
        sync_webhooks(db, shop, client, connector.settings.public_url)
    except PlatformError as exc:
        raise ConnectError(f"webhooks: the store did not let returnkit create its webhooks: {exc}", 502) from None
    return shop


def _save_shop(db: Session, connector: WooConnector, keys: StoreKeys, policy_name: str) -> Shop:
    """A new shop on the chosen preset, or the existing one re-activated with the new keys (its policy kept)."""
    domain = normalize_domain(PLATFORM, keys.store_url)
    shop = db.scalar(select(Shop).where(Shop.platform == PLATFORM, Shop.domain == domain))
    if shop is None:
        try:
            return add_shop(db, platform=PLATFORM, domain=domain, webhook_secret=secrets.token_hex(32),
                            policy_text=resolve_policy_path(policy_name).read_text(encoding="utf-8"),
                            consumer_key=keys.consumer_key, consumer_secret=keys.consumer_secret,
                            check_store_url=connector.check, mode="shadow")   # until the merchant switches to live
        except ShopError as exc:
            raise ConnectError(str(exc)) from None
    shop.consumer_key, shop.consumer_secret = keys.consumer_key, keys.consumer_secret
    shop.status, shop.uninstalled_at = "active", None
    return shop


def finished_install(db: Session, nonce: str) -> Shop | None:
    """The shop a completed, unexpired pending install connected, or None."""
    pending = db.scalar(select(PendingInstall).where(PendingInstall.nonce == nonce, PendingInstall.platform == PLATFORM))
    if pending is None or pending.completed_at is None or pending.expires_at <= utcnow():
        return None
    shop = db.scalar(select(Shop).where(Shop.platform == PLATFORM, Shop.domain == pending.domain))
    return shop if shop is not None and shop.active else None
