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

    def get(self, path: str) -> dict | None:
        """GET a REST resource; None on 404."""
        try:
            response = self.api.get(path)
        except requests.RequestException as exc:
            raise PlatformError(f"woocommerce: {type(exc).__name__}", retryable=True) from None
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise PlatformError(f"woocommerce: HTTP {response.status_code}", response.status_code,
                                retryable=response.status_code in (429, 500, 502, 503, 504))
        return response.json()

    def fetch_product(self, product_id: str) -> ev.ProductSeen | None:
        """The product's tags, categories and shipping, for the product cache."""
        payload = self.get(f"products/{product_id}")
        return parse_product(payload)[0] if payload else None


def client_for(shop, timeout: float) -> WooCommerceClient | None:
    """A client for the shop, or None without consumer keys."""
    if not (shop.consumer_key and shop.consumer_secret):
        return None
    return WooCommerceClient(shop.api_base_url or shop.domain, shop.consumer_key, shop.consumer_secret, timeout)
