"""Merchant sessions bound to one shop, CSRF on every form, and one-time login links.

A browser session carries one shop id, set only by an install callback, a verified Shopify session
token or a signed login link. Pages read it through `shop_required`, and fetch rows through `owned`,
which answers 404 for a row of any other shop: a swapped id shows nothing and changes nothing.
A login link signs in once, and a session signed out is refused server-side, whoever copied its cookie
(both recorded in spent_signins until they would have expired anyway).
"""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.signin_models import SpentSignin
from integration.db.unit_of_work import record_new_actions
from integration.web.framing import NONE, app_bridge_key, frame_ancestors

LOGIN_LINK_MAX_AGE = 600          # seconds a login link stays valid
SESSION_LIFETIME = timedelta(hours=12)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Endpoints that take POSTs from outside a browser session (signed by the platform, or the JSON API).
CSRF_EXEMPT_PREFIXES = ("webhooks.", "api.", "requests_api.", "install_woo.callback")


class Unauthenticated(Exception):
    """No shop session: pages redirect to the sign-in help; forms answer 401."""


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, without building the signer for a request that brings no cookie
    (every webhook delivery: it was a twentieth of a delivery's time)."""

    def open_session(self, app, request):
        """An empty session when there is no cookie; else Flask's own."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_samesite(self, app):
        """SameSite=None only where a cross-site frame needs the cookie (Shopify admin, an embedded customer
        page); a session of a shop whose admin never frames returnkit is Lax."""
        samesite = super().get_cookie_samesite(app)
        return "Lax" if samesite == "None" and session.get("platform") not in (None, "shopify") else samesite


def configure_sessions(app: Flask, settings) -> None:
    """Signed cookie sessions under a key derived from the secrets key ring; CSRF on every unsafe request."""
    from integration.db.base import session_signing_key
    app.secret_key = session_signing_key()
    app.session_interface = CookieSessions()
    public_https = (settings.public_url or "").startswith("https://")
    # Inside Shopify admin the page is in a cross-site iframe: the cookie must be SameSite=None; Secure.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=public_https,
                      SESSION_COOKIE_SAMESITE="None" if public_https else "Lax",
                      SESSION_COOKIE_NAME="returnkit_session", PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME)
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["app_bridge_key"] = app_bridge_key
    app.after_request(_security_headers)


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        # A page Shopify's own library answered (its session-token bounce) already names the shop's admin.
        ancestors = frame_ancestors() if "Content-Security-Policy" not in response.headers else None
        if ancestors:
            response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
        if ancestors == NONE:   # for browsers that predate frame-ancestors
            response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def csrf_token() -> str:
    """This session's CSRF token (made on first use); every form posts it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf():
    """Reject an unsafe request whose CSRF token does not match the session's (400)."""
    if request.method in SAFE_METHODS or (request.endpoint or "").startswith(CSRF_EXEMPT_PREFIXES):
        return None
    if request.endpoint is None or request.blueprint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "upload_limit", None):  # a form with files: read it under its own limit, not the app's 1 MiB
        request.max_content_length = view.upload_limit()
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, description="csrf_token: the form has expired or came from another site; reload the page and "
                               "send it again")
    return None


def accepts_uploads(limit):
    """Mark a view whose form carries files: `limit()` is the largest body it takes (bytes)."""
    def mark(view):
        view.upload_limit = limit
        return view
    return mark


def login_shop(shop: Shop) -> None:
    """Bind this browser session to one shop (a fresh session: no state carries over from another shop)."""
    session.clear()
    session.permanent = True
    session["shop_id"] = shop.id
    session["platform"] = shop.platform
    session["sid"] = secrets.token_urlsafe(18)   # what sign-out revokes
    session["csrf"] = secrets.token_urlsafe(32)


def mark_embedded(embedded: bool) -> None:
    """Record whether this session was opened from inside Shopify admin (its pages then load App Bridge)."""
    if embedded:
        session["embedded"] = True
    else:
        session.pop("embedded", None)


def session_is_live(db: Session) -> bool:
    """True when this browser's session has an id and was not signed out (a cookie from before sign-out)."""
    sid = session.get("sid")
    return bool(sid) and db.get(SpentSignin, f"session:{sid}") is None


def revoke_session(db: Session) -> None:
    """Record this browser's session as signed out, so a copy of its cookie is refused from now on."""
    sid, shop_id = session.get("sid"), session.get("shop_id")
    if sid and shop_id is not None and db.get(Shop, shop_id) is not None:
        # As long as a copy of the cookie could still be valid: the cookie itself lapses SESSION_LIFETIME after
        # the last request it was sent with, and none comes after this one.
        db.merge(SpentSignin(id=f"session:{sid}", shop_id=shop_id, expires_at=utcnow() + SESSION_LIFETIME))


@dataclass(frozen=True)
class LoginLink:
    shop_id: int
    nonce: str
    issued_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="returnkit.login-link")


def login_token(secret_key: str, shop_id: int) -> str:
    """A signed token that signs a browser in as this shop once, within LOGIN_LINK_MAX_AGE seconds."""
    payload = {"shop": shop_id, "n": secrets.token_urlsafe(18)}
    return URLSafeTimedSerializer(secret_key, salt="returnkit.login-link").dumps(payload)


def read_login_token(token: str) -> LoginLink:
    """The shop and nonce of a login token; raises Unauthenticated when it is forged, old-style or expired."""
    try:
        payload, issued = _serializer().loads(token, max_age=LOGIN_LINK_MAX_AGE, return_timestamp=True)
        return LoginLink(int(payload["shop"]), str(payload["n"]), issued.astimezone(timezone.utc))
    except SignatureExpired:
        raise Unauthenticated("the sign-in link has expired; run `returnkit shops login-link DOMAIN` again") from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise Unauthenticated("the sign-in link is not valid") from None


def spend_login_link(db: Session, link: LoginLink) -> None:
    """Record the link's first use in the caller's transaction; Unauthenticated when it was used before (a link
    signs in once: of two uses at once, the second waits for the first and then fails on the key)."""
    expires = link.issued_at + timedelta(seconds=LOGIN_LINK_MAX_AGE)
    try:
        db.add(SpentSignin(id=f"link:{link.nonce}", shop_id=link.shop_id, expires_at=expires))
        db.flush()
    except IntegrityError:
        raise Unauthenticated("the sign-in link was used already: each link signs in once; run "
                              "`returnkit shops login-link DOMAIN` for a new one") from None


def shop_required(view):
    """The view runs with `g.shop` (the session's shop, active) and `g.db` (a session of the database)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        shop_id = session.get("shop_id")
        if shop_id is None:
            if request.method in SAFE_METHODS:
                return redirect(url_for("pages.signed_out"))
            abort(401, description="sign in again: this browser has no shop session")
        rt = current_app.extensions["returnkit"].runtime
        with rt.sessions() as db:
            g.new_actions = record_new_actions(db)
            shop = db.get(Shop, shop_id)
            if shop is None or not shop.active or not session_is_live(db):
                session.clear()
                return redirect(url_for("pages.signed_out"))
            g.shop, g.db = shop, db
            return view(*args, **kwargs)
    return wrapped


def owned(model, row_id):
    """The row of `model` with this id when it belongs to the session's shop; 404 otherwise."""
    row = g.db.get(model, row_id)
    if row is None or getattr(row, "shop_id", None) != g.shop.id:
        abort(404)
    return row
