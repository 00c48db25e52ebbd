"""Where a merchant embeds their customers' request page: one storefront origin per shop, or nowhere."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from integration.db.models import Shop

SETTING = "customer_page_frame_origin"
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
FIX = "write the storefront's address alone, e.g. https://shop.example.com"


def https_origin(value: str) -> str:
    """`https://host[:port]` in lower case; ValueError naming the field and the fix for anything else."""
    text = (value or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValueError(f"storefront_origin: {text!r} is not an address; {FIX}") from None
    if parts.scheme.lower() != "https":
        raise ValueError(f"storefront_origin: must start with https:// (a page served over http cannot be trusted "
                         f"to frame returnkit); {FIX}")
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not _HOST.match(host):
        raise ValueError(f"storefront_origin: {host or text!r} is not a host name; {FIX}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"storefront_origin: an origin has no path, query or fragment; {FIX}")
    return f"https://{host}" + (f":{port}" if port and port != 443 else "")


def frame_origin(shop: Shop | None) -> str | None:
    """The storefront origin allowed to frame the shop's customer page, if the merchant named one."""
    return (shop.settings or {}).get(SETTING) if shop is not None else None


def set_frame_origin(shop: Shop, value: str | None) -> str | None:
    """Allow the origin `value` (checked) to frame the customer page; blank allows none again. The origin kept."""
    settings = {k: v for k, v in (shop.settings or {}).items() if k != SETTING}
    origin = https_origin(value) if (value or "").strip() else None
    shop.settings = {**settings, SETTING: origin} if origin else settings
    return origin
