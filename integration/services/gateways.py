"""The platform gateway for a shop: the adapter's action client, with the configured timeout."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify.actions import ShopifyActions
from adapters.shopify.client import client_for as shopify_client
from adapters.woocommerce.actions import WooCommerceActions
from adapters.woocommerce.client import client_for as woo_client
from integration.settings import load_settings

_GATEWAYS = {"shopify": (shopify_client, ShopifyActions), "woocommerce": (woo_client, WooCommerceActions)}


def platform_gateway(shop):
    """The object whose perform(kind, payload, key) pushes an action to the shop's platform."""
    make_client, actions = _GATEWAYS[shop.platform]
    client = make_client(shop, load_settings().http_timeout)
    if client is None:
        raise PlatformError(f"{shop.platform}: the shop has no API credentials", retryable=False)
    return actions(client)
