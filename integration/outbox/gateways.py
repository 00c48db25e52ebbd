"""The platform gateway for a shop: the adapter's action client, with the configured timeout, and the
shop's return-label account when it has one."""
from __future__ import annotations

from adapters.easypost.client import ReturnLabels
from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.outbox.run import Gateways
from integration.runtime import Runtime, process_settings
from integration.shops.returns_setup import labels_ready
from integration.settings import Settings


def return_labels(shop, settings: Settings) -> ReturnLabels | None:
    """The shop's EasyPost account, or None when labels are not set up."""
    if not labels_ready(shop):
        return None
    return ReturnLabels(shop.easypost_api_key, settings.easypost_api_base, settings.http_timeout,
                        shop.settings["return_address"], shop.settings.get("return_parcel"))


def gateways_for(rt: Runtime) -> Gateways:
    """The runtime's Gateways: each shop's gateway with its settings, refreshing tokens through its sessions."""
    def gateway(shop, sessions=None):
        return platform_gateway(shop, sessions or rt.sessions, rt.settings)
    return gateway


def platform_gateway(shop, sessions=None, settings: Settings | None = None):
    """The object whose perform(kind, payload, key) pushes an action to the shop's platform (with `settings`,
    else the ones this process's environment gives)."""
    adapter, settings = ADAPTERS[shop.platform], settings or process_settings()
    shop = adapter.connect(shop, settings, sessions)
    client = adapter.client(shop, settings.http_timeout)
    if client is None:
        raise PlatformError(f"{shop.platform}: the shop has no API credentials", retryable=False)
    return adapter.actions(client, return_labels(shop, settings))
