"""Webhook subscriptions of the emulated shop: webhookSubscriptionCreate and the webhookSubscriptions connection."""
from __future__ import annotations

import itertools

_ids = itertools.count(7000)


class WebhookSubscriptionsMixin:
    """Mixed into ShopState; ShopState.execute finds these methods by field name."""

    @property
    def subscriptions(self) -> dict[str, dict]:
        """id → {id, topic, uri, format}, in creation order."""
        if "_subscriptions" not in self.__dict__:
            self._subscriptions = {}
        return self._subscriptions

    def webhookSubscriptionCreate(self, args):
        spec, topic = args["webhookSubscription"], args["topic"]
        uri = spec.get("uri") or spec.get("callbackUrl")
        if not uri:
            return {"webhookSubscription": None, "userErrors": [{"field": ["webhookSubscription", "uri"],
                                                                 "message": "Address can't be blank"}]}
        if any(s["topic"] == topic and s["uri"] == uri for s in self.subscriptions.values()):
            return {"webhookSubscription": None, "userErrors": [{"field": ["webhookSubscription", "callbackUrl"],
                                                                 "message": "Address for this topic has already been taken"}]}
        subscription = {"id": f"gid://shopify/WebhookSubscription/{next(_ids)}", "topic": topic, "uri": uri,
                        "format": spec.get("format") or "JSON"}
        self.subscriptions[subscription["id"]] = subscription
        return {"webhookSubscription": subscription, "userErrors": []}

    def webhookSubscriptions(self, args):
        matching = [s for s in self.subscriptions.values()
                    if (not args.get("uri") or s["uri"] == args["uri"])
                    and (not args.get("topics") or s["topic"] in args["topics"])]
        ids = [s["id"] for s in matching]
        start = ids.index(args["after"]) + 1 if args.get("after") in ids else 0
        page = matching[start:start + (args.get("first") or 50)]
        more = start + len(page) < len(matching)
        return {"nodes": page, "pageInfo": {"hasNextPage": more, "endCursor": page[-1]["id"] if page else None}}
