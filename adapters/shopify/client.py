"""Shopify Admin GraphQL client (https://shopify.dev/docs/api/admin-graphql); every call has a timeout."""
from __future__ import annotations

import requests

from adapters.common import maybe_when
from adapters.http import PlatformError
from adapters.shopify.documents import API_VERSION, PRODUCT_FOR_RETURNS
from integration.domain import events as ev


def _throttle_wait(body: dict) -> float:
    """Seconds until the cost bucket holds what the last query asked for (from throttleStatus)."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    wanted = cost.get("requestedQueryCost") or 0
    missing = max(wanted - status.get("currentlyAvailable", 0), 0)
    return max(missing / max(status.get("restoreRate", 50), 1), 1.0)


def _numeric(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


class ShopifyClient:
    def __init__(self, base_url: str, access_token: str, timeout: float):
        self.url = f"{base_url.rstrip('/')}/admin/api/{API_VERSION}/graphql.json"
        self.token = access_token
        self.timeout = timeout

    def graphql(self, document: str, variables: dict) -> dict:
        """Run one document; raise PlatformError on transport, HTTP or GraphQL errors."""
        try:
            response = requests.post(self.url, json={"query": document, "variables": variables}, timeout=self.timeout,
                                     headers={"X-Shopify-Access-Token": self.token})
        except requests.RequestException as exc:
            raise PlatformError(f"shopify: {type(exc).__name__}", retryable=True) from None
        if response.status_code >= 400:
            raise PlatformError(f"shopify: HTTP {response.status_code}", response.status_code,
                                retryable=response.status_code in (429, 500, 502, 503, 504))
        body = response.json()
        if body.get("errors"):
            error = body["errors"][0]
            if (error.get("extensions") or {}).get("code") == "THROTTLED":
                raise PlatformError("shopify: THROTTLED", 200, retryable=True, retry_after=_throttle_wait(body))
            raise PlatformError(f"shopify: {error.get('message', 'GraphQL error')}")
        return body["data"]

    def fetch_product(self, product_id: str) -> ev.ProductSeen | None:
        """The product's tags, type and variants, for the product cache."""
        data = self.graphql(PRODUCT_FOR_RETURNS, {"id": f"gid://shopify/Product/{product_id}"})
        product = data.get("product")
        if not product:
            return None
        variants = tuple((_numeric(v["id"]), v.get("sku") or None, (v.get("inventoryItem") or {}).get("requiresShipping"))
                         for v in product["variants"]["nodes"])
        return ev.ProductSeen(product_id, product.get("title") or "", maybe_when(product.get("updatedAt")),
                              product.get("productType") or None, tuple(product.get("tags") or ()), variants)


def client_for(shop, timeout: float) -> ShopifyClient | None:
    """A client for the shop, or None without an access token."""
    if not shop.api_token:
        return None
    return ShopifyClient(shop.api_base_url or f"https://{shop.domain}", shop.api_token, timeout)
