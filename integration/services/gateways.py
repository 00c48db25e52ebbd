"""The platform gateway for a shop: the adapter's action client, with the configured timeout, and the
shop's return-label account when it has one."""
from __future__ import annotations

from adapters.easypost.client import ReturnLabels
from adapters.http import PlatformError
from adapters.shopify.actions import ShopifyActions
from adapters.shopify.client import client_for as shopify_client
from adapters.woocommerce.actions import WooCommerceActions
from adapters.woocommerce.client import client_for as woo_client
from integration.services.returns_setup import labels_ready
from integration.services.shopify_tokens import TokenError, refresh_due, refresh_if_due
from integration.settings import Settings, load_settings

_GATEWAYS = {"shopify": (shopify_client, ShopifyActions), "woocommerce": (woo_client, WooCommerceActions)}


def return_labels(shop, settings: Settings) -> ReturnLabels | None:
    """The shop's EasyPost account, or None when labels are not set up."""
    if not labels_ready(shop):
        return None
    return ReturnLabels(shop.easypost_api_key, settings.easypost_api_base, settings.http_timeout,
                        shop.settings["return_address"], shop.settings.get("return_parcel"))


def _refreshed(shop, sessions, settings):
    from integration.runtime import runtime
    try:
        return refresh_if_due(sessions or runtime().sessions, shop.id, settings)
    except TokenError as exc:   # 401: the merchant must open the app again; otherwise a later try may work
        raise PlatformError(str(exc), exc.status, retryable=exc.status != 401) from None


def platform_gateway(shop, sessions=None):
    """The object whose perform(kind, payload, key) pushes an action to the shop's platform."""
    make_client, actions = _GATEWAYS[shop.platform]
    settings = load_settings()
    if shop.platform == "shopify" and refresh_due(shop):   # an expiring token that lapses within 5 minutes
        shop = _refreshed(shop, sessions, settings)
    client = make_client(shop, settings.http_timeout)
    if client is None:
        raise PlatformError(f"{shop.platform}: the shop has no API credentials", retryable=False)
    return actions(client, return_labels(shop, settings))
