"""Installing on Shopify: /auth starts OAuth, /auth/callback finishes it; Shopify admin loads of /app/ sign in
with their session token (id_token or Authorization: Bearer), exchanging it for an offline token when needed.
"""
from __future__ import annotations

import hmac
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for

from integration.db.models import Shop
from adapters.shopify import install
from adapters.shopify.tokens import TokenError, exchange_code, shopify_app
from integration.web.auth import login_shop, mark_embedded, session_is_live
from integration.web.limits import TooManyStarts, count_install_start

blueprint = Blueprint("install_shopify", __name__, template_folder="templates")


def _runtime():
    return current_app.extensions["returnkit"].runtime


def _refused(exc: Exception, status: int):
    return render_template("install_shopify_error.html", problem=str(exc)), status


def _request_input() -> dict:
    return {"method": request.method, "headers": dict(request.headers), "url": request.url, "body": ""}


def _from_shopify(res) -> Response:
    return Response(res.body, status=res.status, headers=res.headers)


@blueprint.get("/auth")
def begin():
    """Start an install: ?shop=x.myshopify.com (and optionally &policy=PRESET) → the shop's authorize page."""
    rt = _runtime()
    try:
        count_install_start("shopify", _canonical_shop())
        if "hmac" in request.args:     # Shopify's own install request is signed; a typed shop is not
            install.check_signed_query(rt.settings, request.args.to_dict())
        url = install.begin_install(rt.sessions, rt.settings, request.args.get("shop"), request.args.get("policy"))
    except (install.InstallError, TokenError) as exc:
        return _refused(exc, exc.status)
    except TooManyStarts as exc:
        page, status = _refused(exc, 429)
        return page, status, {"Retry-After": str(exc.retry_after)}
    # The state also binds the install to this browser: a callback link opened elsewhere signs nobody in.
    session["shopify_install_state"] = parse_qs(urlsplit(url).query).get("state", [""])[0]
    return redirect(url)


def _canonical_shop() -> str | None:
    """The `shop` parameter as its canonical domain (however it was typed), or None when it is not one."""
    try:
        return install.shop_domain(request.args.get("shop"))
    except install.InstallError:
        return None


def _same_browser() -> bool:
    started = session.pop("shopify_install_state", "")
    return bool(started) and hmac.compare_digest(started, request.args.get("state", ""))


@blueprint.get("/auth/callback")
def callback():
    """Shopify's answer: check it, store the shop and its token, sign this browser in, go to the settings home."""
    rt = _runtime()
    if not _same_browser():
        return _refused(install.InstallError("state: this install was started in another browser (or its page was "
                                             "opened twice); start it again from Shopify admin", 403), 403)
    try:
        shop_id = install.complete_install(rt.sessions, rt.settings, request.args.to_dict(), exchange_code)
    except (install.InstallError, TokenError) as exc:
        return _refused(exc, exc.status)
    _sign_in(rt, shop_id)
    mark_embedded(False)   # the callback is a top-level page, outside the admin
    return redirect(url_for("pages.home"))


@blueprint.get(install.SESSION_TOKEN_PATH)
def session_token_page():
    """Shopify's page that fetches a fresh session token with App Bridge and reloads the app with it."""
    try:
        return _from_shopify(shopify_app(_runtime().settings).app_home_patch_id_token(_request_input()).response)
    except TokenError as exc:
        return _refused(exc, exc.status)


def _sign_in(rt, shop_id: int) -> None:
    with rt.sessions() as db:
        # A fresh session only when the shop changes or this one was signed out (else it keeps its CSRF token).
        if session.get("shop_id") != shop_id or not session_is_live(db):
            login_shop(db.get(Shop, shop_id))


def _from_shopify_admin() -> bool:
    if not request.path.startswith("/app") or request.endpoint in (None, "pages.static", "pages.login"):
        return False
    settings = _runtime().settings
    if not (settings.shopify_api_key and settings.shopify_api_secret):   # a deployment without a Shopify app
        return False
    return ("id_token" in request.args or request.args.get("embedded") == "1"
            or request.headers.get("Authorization", "").startswith("Bearer "))


@blueprint.before_app_request
def embedded_sign_in():
    """A settings page opened inside Shopify admin: bind the browser to the shop its session token names."""
    if not _from_shopify_admin():
        return None
    rt = _runtime()
    try:
        shop_id = install.embedded_shop(rt.sessions, rt.settings, _request_input())
    except install.SessionTokenRefused as exc:
        return _from_shopify(exc.response) if exc.response else _refused(exc, 401)
    except (install.InstallError, TokenError) as exc:
        return _refused(exc, exc.status)
    _sign_in(rt, shop_id)
    mark_embedded(True)
    return None
