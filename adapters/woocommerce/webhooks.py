"""returnkit's webhooks on a WooCommerce store: one per topic we process, each with a fresh secret.

WooCommerce's secret is write-only, so a webhook whose secret we do not know is useless to us: every
connect gives each webhook a new secret (PUT on the one we already have, POST otherwise) and deletes
any duplicates pointing at our delivery URL, so re-connecting never leaves two webhooks per topic.
"""
from __future__ import annotations

import logging

import secrets
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.http import PlatformError
from adapters.woocommerce.client import WooCommerceClient, client_for
from adapters.woocommerce.topics import TOPICS
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookSubscription

log = logging.getLogger(__name__)


def delivery_url(public_url: str, store_url: str) -> str:
    """Where the store posts: the receiver finds the shop by the `shop` query parameter."""
    return f"{public_url}/webhooks/woocommerce?{urlencode({'shop': store_url})}"


def remote_webhooks(client: WooCommerceClient, address: str) -> list[dict]:
    """The store's webhooks that deliver to our address, to the last page X-WP-TotalPages names."""
    return [w for w in client.get_all("webhooks") if w.get("delivery_url") == address]


def _keep_one_per_topic(client: WooCommerceClient, remote: list[dict], known_ids: set[str]) -> dict[str, dict]:
    """One remote webhook per topic (preferring those we recorded); deletes the rest."""
    chosen: dict[str, dict] = {}
    for hook in sorted(remote, key=lambda w: (str(w["id"]) not in known_ids, int(w["id"]))):
        if hook.get("topic") in chosen or hook.get("topic") not in TOPICS:
            client.delete(f"webhooks/{hook['id']}", params={"force": "true"})
        else:
            chosen[hook["topic"]] = hook
    return chosen


def sync_webhooks(db: Session, shop: Shop, client: WooCommerceClient, public_url: str) -> list[WebhookSubscription]:
    """Create or re-key returnkit's webhook for every processed topic, and record each with its secret."""
    address = delivery_url(public_url, shop.domain)
    rows = {row.topic: row for row in db.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop.id))}
    remote = _keep_one_per_topic(client, remote_webhooks(client, address), {r.remote_id for r in rows.values()})
    saved = []
    for topic in sorted(TOPICS):
        secret = secrets.token_hex(32)   # hex: WooCommerce passes secrets through wp_specialchars_decode
        body = {"name": f"returnkit {topic}", "topic": topic, "delivery_url": address, "secret": secret,
                "status": "active"}
        hook = remote.get(topic)
        answer = client.put(f"webhooks/{hook['id']}", body) if hook else client.post("webhooks", body)
        row = rows.get(topic) or WebhookSubscription(shop_id=shop.id, topic=topic)
        row.remote_id, row.address, row.secret = str(answer["id"]), address, secret
        row.status, row.checked_at = "active", utcnow()
        db.add(row)
        saved.append(row)
    for topic, row in rows.items():
        if topic not in TOPICS:
            db.delete(row)
    db.flush()
    return saved


BROKEN = ("disabled", "paused")


def _rows(session, shop_id: int) -> dict[str, WebhookSubscription]:
    return {r.topic: r for r in session.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop_id))}


def check_subscriptions(rt, shop: Shop) -> tuple[dict[str, str], str | None]:
    """The sweep's check: a disabled or paused webhook is set active; a deleted one makes every one re-keyed."""
    client = client_for(shop, rt.settings.http_timeout)
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
