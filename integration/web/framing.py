"""Who may frame a page (CSP frame-ancestors): a signed-in Shopify shop's own admin for its settings pages, the
storefront a merchant named for its customers' request page, and nobody for every other page."""
from __future__ import annotations

from flask import current_app, g, request, session

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


def app_bridge_key() -> str | None:
    """Our Shopify app's client id when this page is shown inside Shopify admin (it then loads App Bridge); else None.

    Embedded means: a Shopify shop's session opened (or last confirmed) by Shopify admin's session token
    (install_shopify.embedded_sign_in). A sign-in link, an OAuth callback or a WooCommerce connect open a standalone
    session, whose pages keep our own header and must not load App Bridge (it would try to reach the admin)."""
    shop = g.get("shop")
    if shop is None or shop.platform != "shopify" or not session.get("embedded"):
        return None
    return current_app.extensions["returnkit"].runtime.settings.shopify_api_key or None


def _customer_page(slug: str | None) -> str:
    if not slug:
        return NONE
    with current_app.extensions["returnkit"].runtime.sessions() as db:
        return frame_origin(shop_by_slug(db, slug)) or NONE
