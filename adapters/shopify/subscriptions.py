"""Webhook subscriptions for one shop: list what is there, create only what is missing (safe to repeat)."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify.documents import CREATE_WEBHOOK_SUBSCRIPTION, WEBHOOK_SUBSCRIPTIONS
from adapters.shopify.topics import TOPICS

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
