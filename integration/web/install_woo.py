"""Connect a WooCommerce store: the store's key-approval page (/wc-auth/v1/authorize), or keys pasted by hand.

The key callback comes from the store, not the browser, and carries no signature: what proves it is
the one-time nonce (`user_id`) of a pending install. The browser that started the connect keeps the
same nonce in its session, and only that browser is signed in when the store sends it back.
"""
from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for

from integration.db.engine import transaction
from integration.policy.loader import preset_names
from adapters.woocommerce.install import (DEFAULT_POLICY, ConnectError, StoreKeys, WooConnector, authorize_url,
                                              complete_callback, connect_shop, finished_install, start_connect)
from integration.shops.core import ShopError, normalize_domain
from integration.web.auth import login_shop
from integration.web.limits import TooManyStarts, count_install_start

log = logging.getLogger(__name__)
blueprint = Blueprint("install_woo", __name__, url_prefix="/woocommerce", template_folder="templates")
SESSION_KEY = "woo_connect"


def _runtime():
    return current_app.extensions["returnkit"].runtime


def _connector() -> WooConnector:
    return WooConnector(_runtime().settings)


def _form_page(problem: str | None = None, status: int = 200):
    form = {name: request.form.get(name, "") for name in ("store_url", "policy", "consumer_key")}
    return render_template("install_woo_connect.html", presets=preset_names(), default_policy=DEFAULT_POLICY,
                           form=form, problem=problem), status


@blueprint.get("/connect")
def connect_page():
    """The connect form: a store URL and a preset, or keys pasted by hand."""
    return _form_page()


@blueprint.post("/connect")
def connect_start():
    """Remember a pending install bound to this browser, then send the merchant to approve keys on the store."""
    try:
        count_install_start("woocommerce", _canonical_store())
        with transaction(_runtime().sessions) as db:
            pending = start_connect(db, _connector(), request.form.get("store_url", ""), request.form.get("policy"))
            nonce = pending.nonce
            target = authorize_url(pending, _runtime().settings.public_url,
                                   f"{_runtime().settings.public_url}{url_for('install_woo.finish')}")
    except ConnectError as exc:
        return _form_page(str(exc), exc.status)
    except TooManyStarts as exc:
        page, status = _form_page(str(exc), 429)
        return page, status, {"Retry-After": str(exc.retry_after)}
    session[SESSION_KEY] = nonce
    log.info("install.woocommerce.started")
    return redirect(target, code=303)


def _canonical_store() -> str | None:
    """The typed store URL as the shop would be known by, or None when it is not a store URL."""
    try:
        return normalize_domain("woocommerce", request.form.get("store_url", ""))
    except ShopError:
        return None


@blueprint.post("/callback")
def callback():
    """The store's server-to-server key callback; it must be answered 200 or the store deletes the keys."""
    try:
        with transaction(_runtime().sessions) as db:
            shop_id = complete_callback(db, _connector(), request.get_json(silent=True)).id
    except ConnectError as exc:
        log.warning("install.woocommerce.callback-refused: %s", exc.status)
        return jsonify(status="refused", error=str(exc)), exc.status
    log.info("install.woocommerce.connected: shop %s", shop_id)
    return jsonify(status="connected"), 200


@blueprint.get("/return")
def finish():
    """Where the store sends the merchant back: signs in only the browser that started this connect."""
    nonce = request.args.get("user_id", "")
    bound = session.get(SESSION_KEY) or ""
    if request.args.get("success") != "1":
        return render_template("install_woo_result.html", outcome="declined"), 200
    with _runtime().sessions() as db:
        shop = finished_install(db, nonce) if nonce else None
        if shop is None:
            return render_template("install_woo_result.html", outcome="unfinished"), 409
        if not (bound and hmac.compare_digest(bound, nonce)):
            return render_template("install_woo_result.html", outcome="other-browser"), 403
        login_shop(shop)
    return redirect(url_for("pages.home"))


@blueprint.post("/connect/keys")
def connect_keys():
    """Connect with keys the merchant created on the store and pasted here."""
    keys = StoreKeys(request.form.get("store_url", ""), request.form.get("consumer_key", ""),
                     request.form.get("consumer_secret", ""))
    try:
        with transaction(_runtime().sessions) as db:
            shop = connect_shop(db, _connector(), keys, request.form.get("policy"))
    except ConnectError as exc:
        return _form_page(str(exc), exc.status)
    login_shop(shop)   # once the shop is committed
    log.info("install.woocommerce.connected-by-keys")
    return redirect(url_for("pages.home"))
