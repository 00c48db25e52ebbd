"""The sweep's check of a shop's webhook subscriptions: repair what is disabled or gone, record what cannot be.

Shopify: a subscription missing from `webhookSubscriptions` is created again. WooCommerce disables a
webhook after repeated failed deliveries (and a merchant can pause or delete one): a disabled or paused
one is set active again, and a deleted one makes every webhook re-keyed by the connect's own sync.
What cannot be repaired (a key without write access, an API error) is kept on the shop for its home page.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from adapters.shopify.subscriptions import API_TOPICS, existing_subscriptions, topic_enum
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookSubscription
from integration.runtime import Runtime
from integration.services.install_shopify import register_subscriptions
from integration.services.woo_webhooks import delivery_url, remote_webhooks, sync_webhooks

log = logging.getLogger(__name__)
BROKEN = ("disabled", "paused")


def _rows(session, shop_id: int) -> dict[str, WebhookSubscription]:
    return {r.topic: r for r in session.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop_id))}


def _mark(rt: Runtime, shop_id: int, statuses: dict[str, str], problem: str | None) -> list[dict]:
    """Record what each subscription was found to be, and the problem (None: all is well) on the shop."""
    now = utcnow()
    with transaction(rt.sessions) as session:
        rows = _rows(session, shop_id)
        for topic, status in statuses.items():
            if topic in rows:
                rows[topic].status, rows[topic].checked_at = status, now
        shop = session.get(Shop, shop_id, with_for_update={"key_share": True})
        state = dict((shop.settings or {}).get("reconcile") or {})
        state["subscription_problem"] = problem
        shop.settings = {**(shop.settings or {}), "reconcile": state}
        return [{"topic": r.topic, "status": r.status} for r in sorted(rows.values(), key=lambda r: r.topic)]


def _missing(client, address: str) -> list[str]:
    have = existing_subscriptions(client, address)
    return [t for t in API_TOPICS if topic_enum(t) not in have]


def _check_shopify(rt: Runtime, shop: Shop) -> tuple[dict[str, str], str | None]:
    address = f"{rt.settings.public_url}/webhooks/shopify"
    client = ADAPTERS["shopify"].client(shop, rt.settings.http_timeout)
    missing = _missing(client, address)
    # A concurrent sweep may have created them first ("already taken"): what is still missing counts.
    if missing and not register_subscriptions(rt.sessions, rt.settings, shop.id) and (missing := _missing(client, address)):
        log.warning("reconcile.subscriptions-unrepaired: shop %s: %d missing", shop.id, len(missing))
        return {t: ("missing" if t in missing else "active") for t in API_TOPICS}, \
            f"Shopify would not recreate {len(missing)} webhook subscription(s): {', '.join(missing)}"
    if missing:
        log.info("reconcile.subscriptions-recreated: shop %s: %d", shop.id, len(missing))
    return {t: "active" for t in API_TOPICS}, None


def _check_woocommerce(rt: Runtime, shop: Shop) -> tuple[dict[str, str], str | None]:
    client = ADAPTERS["woocommerce"].client(shop, rt.settings.http_timeout)
    with rt.sessions() as session:
        rows = _rows(session, shop.id)
    remote = {str(w["id"]): w for w in remote_webhooks(client, delivery_url(rt.settings.public_url, shop.domain))}
    found = {topic: remote.get(row.remote_id or "") for topic, row in rows.items()}
    seen = {topic: (hook["status"] if hook else "missing") for topic, hook in found.items()}
    try:
        if "missing" in seen.values() or not rows:
            with transaction(rt.sessions) as session:
                sync_webhooks(session, session.get(Shop, shop.id), client, rt.settings.public_url)
            return {}, None
        for topic, hook in found.items():
            if hook["status"] in BROKEN:
                client.put(f"webhooks/{hook['id']}", {"status": "active"})
                log.info("reconcile.webhook-reactivated: shop %s %s", shop.id, topic)
    except PlatformError as exc:
        log.warning("reconcile.subscriptions-unrepaired: shop %s: %s", shop.id, exc)
        broken = sorted(t for t, s in seen.items() if s != "active")
        return seen, f"WooCommerce would not let returnkit repair its webhooks ({', '.join(broken)}): {exc}"
    return {topic: "active" for topic in seen}, None


CHECKS = {"shopify": _check_shopify, "woocommerce": _check_woocommerce}


def check_subscriptions(rt: Runtime, shop_id: int) -> list[dict]:
    """Check and repair the shop's webhook subscriptions; each subscription's status afterwards."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        session.expunge(shop)
    try:
        statuses, problem = CHECKS[shop.platform](rt, shop)
    except PlatformError as exc:
        log.warning("reconcile.subscriptions-unchecked: shop %s: %s", shop_id, exc)
        statuses, problem = {}, f"returnkit could not list the shop's webhooks: {exc}"
    return _mark(rt, shop_id, statuses, problem)
