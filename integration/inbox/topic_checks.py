"""Deliveries that uninstall a shop, erase its data or ask for a customer's are checked against their topic first.

A platform signs a delivery's body, not its topic or shop headers (Shopify signs every shop's deliveries with the
one app secret), so a captured body can be sent again as `app/uninstalled` or `shop/redact`, or for another shop.
Such a delivery is kept in the inbox as refused and changes nothing. The claims are read off the canonical
event's payload: the shop it names (domain, the platform's own shop id) and fields only another topic carries.
The shop id is known from the install (integration/shops/platform_id.py); a shop installed before that was kept
learns it from an uninstall that was confirmed, or from its next load in the Shopify admin.
"""
from __future__ import annotations

from typing import NamedTuple

from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.domain import events as ev
from integration.shops.platform_id import PLATFORM_ID, platform_id, remember_platform_id  # noqa: F401  (the key)

# Asking for a product that does not exist: the cheapest call that needs a working token.
PROBE_PRODUCT = "0"
# Fields that belong to another compliance topic's payload: such a body was sent under the wrong topic.
FOREIGN_FIELDS = {ev.ShopRedacted: ("customer", "orders_to_redact", "orders_requested", "data_request"),
                  ev.CustomerRedacted: ("orders_requested", "data_request"),
                  ev.CustomerDataRequested: ("orders_to_redact",)}


class Refusal(NamedTuple):
    key: str        # a stable log key: domain-mismatch, shop-id-mismatch, wrong-topic, token-still-works
    message: str    # the inbox row's error: the field that does not fit, never its value


class CannotConfirm(Exception):
    """The platform could not be asked now whether the app is still installed: the delivery is retried."""


def refusal(rt, shop, topic: str, payload, events: list) -> Refusal | None:
    """Why this delivery must not act, or None when every event it carries fits the topic and the shop."""
    for event in events:
        check = CHECKS.get(type(event))
        found = check(rt, shop, topic, payload if isinstance(payload, dict) else {}) if check else None
        if found is not None:
            return found
    return None


def _text(value) -> str:
    return str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _wrong_shop(shop, topic: str, payload: dict, domain_keys: tuple[str, ...], id_key: str) -> Refusal | None:
    if shop.domain.lower() not in {_text(payload.get(key)) for key in domain_keys}:
        return Refusal("domain-mismatch", f"{topic}: {'/'.join(domain_keys)} does not name this shop; a delivery "
                                          "whose payload is for another shop or topic changes nothing")
    sent, known = _text(payload.get(id_key)), platform_id(shop)
    if not sent or (known and sent != known):
        return Refusal("shop-id-mismatch", f"{topic}: {id_key} is missing or is not this shop's id")
    return None


def _uninstalled(rt, shop, topic: str, payload: dict) -> Refusal | None:
    """app/uninstalled: the payload is this shop, and its token no longer works."""
    if wrong := _wrong_shop(shop, topic, payload, ("myshopify_domain", "domain"), "id"):
        return wrong
    if token_works(rt, shop):
        return Refusal("token-still-works", f"{topic}: the shop's access token still works, so returnkit is "
                                            "installed; the delivery is not an uninstall")
    remember_platform_id(shop, _text(payload.get("id")))
    return None


def _compliance(event_type):
    """shop/redact, customers/redact, customers/data_request: the shop's own domain and id, no other topic's fields."""
    def check(rt, shop, topic: str, payload: dict) -> Refusal | None:
        if wrong := _wrong_shop(shop, topic, payload, ("shop_domain",), "shop_id"):
            return wrong
        if stray := next((name for name in FOREIGN_FIELDS[event_type] if name in payload), None):
            return Refusal("wrong-topic", f"{topic}: the payload carries {stray}, which only another topic's does")
        return None
    return check


def token_works(rt, shop) -> bool:
    """True while the shop's credentials still work (one cheap call); False on 401 or without credentials."""
    adapter = ADAPTERS[shop.platform]
    if adapter.client(shop, rt.settings.http_timeout) is None:
        return False
    try:
        live = adapter.connect(shop, rt.settings, rt.sessions)
        adapter.client(live, rt.settings.http_timeout).fetch_product(PROBE_PRODUCT)
    except PlatformError as exc:
        if exc.status == 401:
            return False
        if exc.retryable:
            raise CannotConfirm(f"{shop.platform}: could not ask whether returnkit is still installed "
                                f"({exc}); tried again later") from None
    return True   # an answer past authentication (data, or a GraphQL or permission error): the token works


CHECKS = {ev.AppUninstalled: _uninstalled, **{event_type: _compliance(event_type) for event_type in FOREIGN_FIELDS}}
