"""The merchant's settings page and the customer's request page: server-rendered Flask + Jinja.

Every page module here is registered by `register_web`; each owns its routes and templates and may
list its menu entries in `NAV`. Pages for a merchant go through `auth.shop_required`, which binds the
browser session to one shop; every row a page reads or changes is fetched with `auth.owned` (or a
query filtered on the session's shop), so another shop's ids give 404.
"""
from __future__ import annotations

from flask import Flask

from integration.web import activity_pages
from integration.web import auth
from integration.web import branding_pages
from integration.web import customer_pages
from integration.web import dashboard_pages
from integration.web import embed_pages
from integration.web import install_shopify
from integration.web import install_woo
from integration.web import notify_pages
from integration.web import pages
from integration.web import policy_pages
from integration.web import replacement_pages
from integration.web import returns_pages
from integration.web import review_pages
from integration.web import shadow_pages
from integration.web import simulate_pages
from integration.web.limits import configure_limits

# One line per page module; each exposes `blueprint` and, optionally, `NAV` = [(endpoint, label)].
PAGE_MODULES = [
    pages,
    dashboard_pages,
    policy_pages,
    simulate_pages,
    review_pages,
    activity_pages,
    shadow_pages,
    notify_pages,
    embed_pages,
    replacement_pages,
    returns_pages,
    branding_pages,
    customer_pages,
    install_shopify,
    install_woo,
]


def register_web(app: Flask, settings) -> None:
    """Sessions, CSRF, the menu and every page blueprint."""
    auth.configure_sessions(app, settings)
    configure_limits(app, settings)
    nav = [entry for module in PAGE_MODULES for entry in getattr(module, "NAV", [])]
    for module in PAGE_MODULES:
        app.register_blueprint(module.blueprint)
    app.jinja_env.globals["nav_items"] = lambda: nav
