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
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookSubscription
from integration.runtime import Runtime

log = logging.getLogger(__name__)


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


def check_subscriptions(rt: Runtime, shop_id: int) -> list[dict]:
    """Check and repair the shop's webhook subscriptions; each subscription's status afterwards."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        session.expunge(shop)
    try:
        statuses, problem = ADAPTERS[shop.platform].check_subscriptions(rt, shop)
    except PlatformError as exc:
        log.warning("reconcile.subscriptions-unchecked: shop %s: %s", shop_id, exc)
        statuses, problem = {}, f"returnkit could not list the shop's webhooks: {exc}"
    return _mark(rt, shop_id, statuses, problem)
