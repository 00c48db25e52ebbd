"""Shopify Admin GraphQL client (https://shopify.dev/docs/api/admin-graphql); every call has a timeout."""
from __future__ import annotations

import re
import time

import requests

from adapters.common import maybe_when
from adapters.http import PlatformError, platform_call
from adapters.shopify.documents import API_VERSION, BACKGROUND, PRODUCT_FOR_RETURNS
from adapters.shopify.product_looks import graphql_looks
from adapters.shopify.throttle import BACKGROUND_FLOOR, BUCKETS
from integration.domain import events as ev


def _throttle_wait(body: dict) -> float:
    """Seconds until the cost bucket holds what the last query asked for (from throttleStatus)."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    wanted = cost.get("requestedQueryCost") or 0
    missing = max(wanted - status.get("currentlyAvailable", 0), 0)
    return max(missing / max(status.get("restoreRate", 50), 1), 1.0)


# Longest wait for the bucket spent inside a worker thread; anything longer is rescheduled instead.
MAX_INLINE_WAIT = 2.0


_OPERATION = re.compile(r"\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)")


def operation_name(document: str) -> str:
    """The GraphQL operation's name (our documents all have one), for the call metrics."""
    match = _OPERATION.search(document)
    return match.group(1) if match else "anonymous"


def _numeric(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


class ShopifyClient:
    def __init__(self, base_url: str, access_token: str, timeout: float):
        self.url = f"{base_url.rstrip('/')}/admin/api/{API_VERSION}/graphql.json"
        self.token = access_token
        self.timeout = timeout

    def graphql(self, document: str, variables: dict) -> dict:
        """Run one document within the shop's cost bucket; raise PlatformError on transport, HTTP or GraphQL errors.

        A THROTTLED answer (the bucket was drained by someone else too) is tried once more after the
        wait Shopify implies, when that wait is short; bookkeeping never waits in the worker's thread.
        """
        try:
            return self._send(document, variables)
        except PlatformError as exc:
            if not exc.throttled or exc.retry_after > MAX_INLINE_WAIT or document in BACKGROUND:
                raise
            time.sleep(exc.retry_after)
            return self._send(document, variables)

    def _reserve(self, document: str, bucket, cost: float):
        """Book the call in the bucket; a long wait, or any for bookkeeping, goes back to the queue."""
        if document in BACKGROUND:  # room for its follow-up too, so a started note is never stuck halfway
            floor = bucket.maximum * BACKGROUND_FLOOR if bucket.reported else 0.0
            booking = bucket.reserve(cost, 0.0, floor + sum(map(BUCKETS.expected_cost, BACKGROUND[document])))
        else:
            booking = bucket.reserve(cost, MAX_INLINE_WAIT)
        if not booking.taken:  # this worker serves others meanwhile
            raise PlatformError("shopify: cost bucket low, waiting for it to refill", 200, retryable=True,
                                retry_after=booking.wait, throttled=True)
        return booking

    def _send(self, document: str, variables: dict) -> dict:
        bucket = BUCKETS.bucket(self.url)
        booking = self._reserve(document, bucket, BUCKETS.expected_cost(document))
        time.sleep(booking.wait)
        with platform_call("shopify", operation_name(document)):
            return self._answer(document, variables, bucket, booking)

    def _answer(self, document: str, variables: dict, bucket, booking) -> dict:
        body = None
        try:
            body = self._post(document, variables)
        finally:
            extensions = ((body or {}).get("extensions") or {}).get("cost")
            bucket.observe(booking, (extensions or {}).get("throttleStatus"))
            BUCKETS.learn_cost(document, extensions)
        if body.get("errors"):
            error = body["errors"][0] if isinstance(body["errors"], list) else {"message": str(body["errors"])}
            if (error.get("extensions") or {}).get("code") == "THROTTLED":
                raise PlatformError("shopify: THROTTLED", 200, retryable=True, retry_after=_throttle_wait(body),
                                    throttled=True)
            raise PlatformError(f"shopify: {error.get('message', 'GraphQL error')}")
        return body["data"]

    def _post(self, document: str, variables: dict) -> dict:
        try:
            response = requests.post(self.url, json={"query": document, "variables": variables}, timeout=self.timeout,
                                     headers={"X-Shopify-Access-Token": self.token})
        except requests.RequestException as exc:
            raise PlatformError(f"shopify: {type(exc).__name__}", retryable=True) from None
        if response.status_code >= 400:
            raise PlatformError(f"shopify: HTTP {response.status_code}", response.status_code,
                                retryable=response.status_code in (429, 500, 502, 503, 504))
        return response.json()

    def fetch_product(self, product_id: str) -> ev.ProductSeen | None:
        """The product's tags, type, variants and their titles and pictures, for the product cache."""
        data = self.graphql(PRODUCT_FOR_RETURNS, {"id": f"gid://shopify/Product/{product_id}"})
        product = data.get("product")
        if not product:
            return None
        variants = tuple((_numeric(v["id"]), v.get("sku") or None, (v.get("inventoryItem") or {}).get("requiresShipping"))
                         for v in product["variants"]["nodes"])
        image_url, looks = graphql_looks(product, _numeric)
        return ev.ProductSeen(product_id, product.get("title") or "", maybe_when(product.get("updatedAt")),
                              product.get("productType") or None, tuple(product.get("tags") or ()), variants,
                              image_url, looks)


def client_for(shop, timeout: float) -> ShopifyClient | None:
    """A client for the shop, or None without an access token."""
    if not shop.api_token:
        return None
    return ShopifyClient(shop.api_base_url or f"https://{shop.domain}", shop.api_token, timeout)
