"""Webhook subscriptions for one shop: list what is there, create only what is missing (safe to repeat),
record them, and check them on each sweep."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from adapters.http import PlatformError
from adapters.shopify.client import client_for
from adapters.shopify.documents import CREATE_WEBHOOK_SUBSCRIPTION, WEBHOOK_SUBSCRIPTIONS
from adapters.shopify.topics import TOPICS
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookSubscription

log = logging.getLogger(__name__)

# Shopify refuses these through the API: they are declared in shopify.app.toml (compliance_topics).
MANDATORY_COMPLIANCE_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
API_TOPICS = tuple(topic for topic in TOPICS if topic not in MANDATORY_COMPLIANCE_TOPICS)


def topic_enum(topic: str) -> str:
    """`orders/create` as the WebhookSubscriptionTopic value `ORDERS_CREATE`."""
    return topic.replace("/", "_").upper()


def existing_subscriptions(client, uri: str) -> dict[str, str]:
    """{topic enum: subscription id} of the shop's subscriptions that deliver to `uri`."""
    found, after = {}, None
    while True:
        page = client.graphql(WEBHOOK_SUBSCRIPTIONS, {"uri": uri, "after": after})["webhookSubscriptions"]
        found.update({node["topic"]: node["id"] for node in page["nodes"] if node.get("uri") == uri})
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def ensure_subscriptions(client, uri: str, topics=API_TOPICS) -> dict[str, str]:
    """{topic: subscription id} for every topic, creating the ones the shop does not have yet."""
    have = existing_subscriptions(client, uri)
    result = {}
    for topic in topics:
        enum = topic_enum(topic)
        if enum not in have:
            have[enum] = _create(client, enum, uri)
        result[topic] = have[enum]
    return result


def _create(client, enum: str, uri: str) -> str:
    data = client.graphql(CREATE_WEBHOOK_SUBSCRIPTION, {"topic": enum, "webhookSubscription": {"uri": uri, "format": "JSON"}})
    payload = data["webhookSubscriptionCreate"]
    if payload["userErrors"]:
        raise PlatformError(f"shopify: webhookSubscriptionCreate {enum}: {payload['userErrors'][0]['message']}",
                            retryable=False)
    return payload["webhookSubscription"]["id"]


def register_subscriptions(sessions, settings, shop_id: int) -> bool:
    """Subscribe the shop to every topic we process (only the missing ones) and record each subscription.

    False when Shopify would not: the install stands, and the next embedded load of the app tries again.
    """
    with sessions() as session:
        shop = session.get(Shop, shop_id)
    address = f"{settings.public_url}/webhooks/shopify"
    try:
        remote = ensure_subscriptions(client_for(shop, settings.http_timeout), address)
    except PlatformError as exc:
        log.warning("install.shopify.subscriptions-failed: shop %s: %s", shop_id, exc)
        return False
    try:
        _record_subscriptions(sessions, shop_id, remote, address)
    except IntegrityError:   # another install or sweep recorded them at the same moment: theirs stand, update them
        _record_subscriptions(sessions, shop_id, remote, address)
    return True


def _record_subscriptions(sessions, shop_id: int, remote: dict, address: str) -> None:
    with transaction(sessions) as session:
        session.get(Shop, shop_id, with_for_update=True)   # one recorder per shop at a time
        rows = {row.topic: row for row in session.scalars(select(WebhookSubscription).where(
            WebhookSubscription.shop_id == shop_id))}
        for topic, remote_id in remote.items():
            row = rows.get(topic) or WebhookSubscription(shop_id=shop_id, topic=topic)
            row.remote_id, row.address, row.status, row.checked_at = remote_id, address, "active", utcnow()
            session.add(row)


def _missing(client, address: str) -> list[str]:
    have = existing_subscriptions(client, address)
    return [t for t in API_TOPICS if topic_enum(t) not in have]


def check_subscriptions(rt, shop: Shop) -> tuple[dict[str, str], str | None]:
    """The sweep's check: a subscription missing from `webhookSubscriptions` is created again."""
    address = f"{rt.settings.public_url}/webhooks/shopify"
    client = client_for(shop, rt.settings.http_timeout)
    missing = _missing(client, address)
    # A concurrent sweep may have created them first ("already taken"): what is still missing counts.
    if missing and not register_subscriptions(rt.sessions, rt.settings, shop.id) and (missing := _missing(client, address)):
        log.warning("reconcile.subscriptions-unrepaired: shop %s: %d missing", shop.id, len(missing))
        return {t: ("missing" if t in missing else "active") for t in API_TOPICS}, \
            f"Shopify would not recreate {len(missing)} webhook subscription(s): {', '.join(missing)}"
    if missing:
        log.info("reconcile.subscriptions-recreated: shop %s: %d", shop.id, len(missing))
    return {t: "active" for t in API_TOPICS}, None
