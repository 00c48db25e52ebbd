"""The customer page's public parts: the shop's branding, its published policy at /r/<slug>/policy, and a friendly
page for an unknown shop or request (never the framework's bare 404)."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request
from flask_babel import gettext

from integration.merchant.policy_text import published_sections
from integration.requests.customer_words import contact_sentence, shop_name
from integration.shops.current_policy import policy_for

_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


def brand(shop) -> dict:
    """The shop's name, logo and colour for the page (a logo only over https, a colour only as #rgb or #rrggbb)."""
    settings = (shop.settings or {}).get("branding") or {}
    logo, colour = str(settings.get("logo_url") or ""), str(settings.get("colour") or "")
    return {"name": shop_name(shop), "logo_url": logo if logo.startswith("https://") else None,
            "colour": colour if _COLOUR.fullmatch(colour) else None}


def page_context(shop, slug: str) -> dict:
    """What every customer page shows around its content: the brand, the policy link and the contact."""
    return {"brand": brand(shop), "slug": slug, "contact": contact_sentence(shop, gettext)}


def not_found(exc):
    """A friendly page for an unknown shop or request on the customer pages; other paths keep their own 404."""
    if not request.path.startswith("/r/"):
        return exc
    return render_template("customer_not_found.html", brand=None, slug=None, contact=None), 404


def register(blueprint: Blueprint, runtime, shop_or_404) -> None:
    """Add the public policy page and the friendly 404 to the customer blueprint."""

    @blueprint.get("/<slug>/policy")
    def policy(slug: str):
        """The shop's published policy, as its customers read it."""
        with runtime().runtime.sessions() as db:
            shop = shop_or_404(db, slug)
            if shop.policy_version_id is None:
                return not_found(None)
            _version, compiled = policy_for(db, shop)
            return render_template("customer_policy.html", policy=compiled, sections=published_sections(compiled),
                                   **page_context(shop, slug))

    blueprint.app_errorhandler(404)(not_found)
