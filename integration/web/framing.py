"""Who may frame a page (CSP frame-ancestors): a signed-in Shopify shop's own admin for its settings pages, the
storefront a merchant named for its customers' request page, and nobody for every other page."""
from __future__ import annotations

from flask import current_app, g, request

from integration.requests.customer_access import shop_by_slug
from integration.shops.embedding import frame_origin

NONE = "'none'"
# Platforms whose admin opens the settings pages in a frame: the shop's own admin origins.
ADMIN_FRAMES = {"shopify": lambda domain: f"https://{domain} https://admin.shopify.com"}


def frame_ancestors() -> str:
    """The frame-ancestors sources for the page this request is answering."""
    if request.blueprint == "customer":
        return _customer_page((request.view_args or {}).get("slug"))
    shop = g.get("shop")
    frames = ADMIN_FRAMES.get(shop.platform) if shop is not None else None
    return frames(shop.domain) if frames else NONE


def _customer_page(slug: str | None) -> str:
    if not slug:
        return NONE
    with current_app.extensions["returnkit"].runtime.sessions() as db:
        return frame_origin(shop_by_slug(db, slug)) or NONE
