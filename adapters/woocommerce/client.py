"""WooCommerce REST v3 client (the `woocommerce` package); every call has a timeout."""
from __future__ import annotations

import requests
from woocommerce import API

from adapters.http import PlatformError
from adapters.woocommerce.parse import parse_product
from integration.domain import events as ev


class WooCommerceClient:
    def __init__(self, store_url: str, consumer_key: str, consumer_secret: str, timeout: float):
        self.api = API(url=store_url, consumer_key=consumer_key, consumer_secret=consumer_secret,
                       version="wc/v3", timeout=timeout)

    def _call(self, method: str, path: str, body: dict | None = None):
        try:
            response = getattr(self.api, method)(path, body) if body is not None else getattr(self.api, method)(path)
        except requests.RequestException as exc:
            raise PlatformError(f"woocommerce: {type(exc).__name__}", retryable=True) from None
        if response.status_code == 404 and method == "get":
            return None
        if response.status_code >= 400:
            retry_after = response.headers.get("Retry-After")
            raise PlatformError(f"woocommerce: HTTP {response.status_code}", response.status_code,
                                retryable=response.status_code in (429, 500, 502, 503, 504),
                                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
        return response.json()

    def get(self, path: str):
        """GET a REST resource; None on 404."""
        return self._call("get", path)

    def post(self, path: str, body: dict):
        """POST to a REST resource."""
        return self._call("post", path, body)

    def put(self, path: str, body: dict):
        """PUT to a REST resource."""
        return self._call("put", path, body)

    def fetch_product(self, product_id: str) -> ev.ProductSeen | None:
        """The product's tags, categories and shipping, for the product cache."""
        payload = self.get(f"products/{product_id}")
        return parse_product(payload)[0] if payload else None


def client_for(shop, timeout: float) -> WooCommerceClient | None:
    """A client for the shop, or None without consumer keys."""
    if not (shop.consumer_key and shop.consumer_secret):
        return None
    return WooCommerceClient(shop.api_base_url or shop.domain, shop.consumer_key, shop.consumer_secret, timeout)
