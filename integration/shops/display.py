"""How a shop is named to its customers: its branding's name, else one made from its domain."""
from __future__ import annotations


def shop_name(shop) -> str:
    """The shop's display name: its branding's name if set, else one made from its domain ('Kaolate Demo')."""
    named = ((shop.settings or {}).get("branding") or {}).get("name")
    if named:
        return str(named)
    host = shop.domain.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")
    labels = host.split(".")
    words = labels[:1] if host.endswith(".myshopify.com") else (labels[:-1] or labels)
    return " ".join(w for part in words for w in part.replace("_", "-").split("-") if w).title() or host
