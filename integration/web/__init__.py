"""The merchant's settings page and the customer's request page: server-rendered Flask + Jinja.

Every page module here is registered by `register_web`; each owns its routes and templates and may
list its menu entries in `NAV`. Pages for a merchant go through `auth.shop_required`, which binds the
browser session to one shop; every row a page reads or changes is fetched with `auth.owned` (or a
query filtered on the session's shop), so another shop's ids give 404.
"""
from __future__ import annotations

from flask import Flask

from integration.web import auth, pages
from integration.web import policy_pages, simulate_pages

# One line per page module; each exposes `blueprint` and, optionally, `NAV` = [(endpoint, label)].
PAGE_MODULES = [pages]
PAGE_MODULES += [policy_pages, simulate_pages]


def register_web(app: Flask, settings) -> None:
    """Sessions, CSRF, the menu and every page blueprint."""
    auth.configure_sessions(app, settings)
    nav = [entry for module in PAGE_MODULES for entry in getattr(module, "NAV", [])]
    for module in PAGE_MODULES:
        app.register_blueprint(module.blueprint)
    app.jinja_env.globals["nav_items"] = lambda: nav
