"""The platform gateway for a shop: the adapter's action client, with the configured timeout, and the
shop's return-label account when it has one."""
from __future__ import annotations

from adapters.easypost.client import ReturnLabels
from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.shops.returns_setup import labels_ready
from integration.settings import Settings, load_settings


def return_labels(shop, settings: Settings) -> ReturnLabels | None:
    """The shop's EasyPost account, or None when labels are not set up."""
    if not labels_ready(shop):
        return None
    return ReturnLabels(shop.easypost_api_key, settings.easypost_api_base, settings.http_timeout,
                        shop.settings["return_address"], shop.settings.get("return_parcel"))


def platform_gateway(shop, sessions=None):
    """The object whose perform(kind, payload, key) pushes an action to the shop's platform."""
    adapter, settings = ADAPTERS[shop.platform], load_settings()
    shop = adapter.connect(shop, settings, sessions)
    client = adapter.client(shop, settings.http_timeout)
    if client is None:
        raise PlatformError(f"{shop.platform}: the shop has no API credentials", retryable=False)
    return adapter.actions(client, return_labels(shop, settings))
