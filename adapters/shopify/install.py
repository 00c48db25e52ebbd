"""Installing returnkit on a Shopify shop: the OAuth code grant (state nonce, HMAC-checked callback),
installation by token exchange from the embedded app, and the shop's webhook subscriptions.
"""
from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import shopify
from sqlalchemy import select

from adapters.http import PlatformError
from adapters.shopify.client import client_for
from adapters.shopify.documents import API_VERSION, SHOP_ID
from adapters.shopify.scopes import SCOPES
from adapters.shopify.subscriptions import API_TOPICS
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PendingInstall, Shop, WebhookSubscription
from adapters.shopify.subscriptions import register_subscriptions
from integration.policy.loader import preset_names, resolve_policy_path
from integration.shops.core import ShopError, add_shop, normalize_domain
from integration.shops.platform_id import platform_id, remember_platform_id
from adapters.shopify.tokens import (Grant, admin_base, exchange_session_token, shopify_app, store_grant,
                                                 token_valid)

log = logging.getLogger(__name__)

DEFAULT_PRESET = "kaolate"
CALLBACK_MAX_AGE = 600    # seconds; the shopify package alone accepts a callback up to a day old


SESSION_TOKEN_PATH = "/auth/session-token"   # the page that fetches a fresh session token with App Bridge


class SessionTokenRefused(Exception):
    """A session token shopifyapp did not accept; `response` is what it says to answer (302 or 401)."""

    def __init__(self, code: str, response=None):
        super().__init__(f"session token: refused ({code}); open returnkit from your Shopify admin again")
        self.code, self.response = code, response


class InstallError(Exception):
    """An install step that cannot go on; the message names the field and the fix."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def shop_domain(value: str | None) -> str:
    """The `shop` parameter as a canonical x.myshopify.com domain; InstallError naming the field otherwise."""
    try:
        return normalize_domain("shopify", value or "")
    except ShopError:
        raise InstallError(f"shop: {value!r} is not a Shopify shop domain; open the app from your Shopify admin or "
                           "write e.g. ?shop=my-shop.myshopify.com") from None


def _policy_name(name: str | None) -> str | None:
    if name and name not in preset_names():
        raise InstallError(f"policy: {name!r} is not a preset; use one of: {', '.join(preset_names())}")
    return name or None


def begin_install(sessions, settings, shop: str | None, policy: str | None = None) -> str:
    """Store a state nonce for the shop and return the URL of its authorize page."""
    shopify_app(settings)          # fails early when our credentials are missing
    domain, policy_name = shop_domain(shop), _policy_name(policy)
    nonce = secrets.token_urlsafe(32)
    with transaction(sessions) as session:
        session.add(PendingInstall(platform="shopify", domain=domain, nonce=nonce, policy_name=policy_name,
                                   expires_at=utcnow() + timedelta(seconds=settings.shopify_state_ttl)))
    shopify.Session.setup(api_key=settings.shopify_api_key, secret=settings.shopify_api_secret)
    url = shopify.Session(domain, version=API_VERSION).create_permission_url(
        scope=list(SCOPES), redirect_uri=f"{settings.public_url}/auth/callback", state=nonce)
    log.info("install.shopify.started: %s", domain)
    return _rebase(url, admin_base(settings, domain))


def _rebase(url: str, base: str) -> str:
    parts, target = urlsplit(url), urlsplit(base)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))


def check_signed_query(settings, params: dict) -> None:
    """Refuse a query Shopify did not sign (HMAC, by the shopify package) or signed too long ago."""
    shopify_app(settings)
    shopify.Session.setup(api_key=settings.shopify_api_key, secret=settings.shopify_api_secret)
    if not shopify.Session.validate_params(params):
        raise InstallError("hmac: the request is not signed by Shopify (or is over a day old); start the install "
                           "again from your Shopify admin", 403)
    if abs(time.time() - int(params.get("timestamp") or 0)) > CALLBACK_MAX_AGE:
        raise InstallError("timestamp: the request is too old; start the install again", 403)


def _claim_pending(sessions, domain: str, state: str | None) -> PendingInstall:
    """Mark the install's nonce used (once only), or InstallError when it is unknown, used or expired."""
    with transaction(sessions) as session:
        pending = session.scalar(select(PendingInstall).where(
            PendingInstall.platform == "shopify", PendingInstall.domain == domain,
            PendingInstall.nonce == (state or ""), PendingInstall.completed_at.is_(None)).with_for_update())
        if pending is None or pending.expires_at <= utcnow():
            raise InstallError("state: this install link is unknown, used already or expired; start the install "
                               "again", 403)
        pending.completed_at = utcnow()
        return pending


def complete_install(sessions, settings, params: dict, exchange_code) -> int:
    """The OAuth callback: check it, trade the code for a token, activate the shop; returns its id."""
    check_signed_query(settings, params)
    domain = shop_domain(params.get("shop"))
    pending = _claim_pending(sessions, domain, params.get("state"))
    if not params.get("code"):
        raise InstallError("code: Shopify sent no authorization code; start the install again")
    grant = exchange_code(settings, domain, params["code"])
    shop_id = activate_shop(sessions, settings, domain, grant, pending.policy_name)
    record_platform_id(sessions, settings, shop_id)
    register_subscriptions(sessions, settings, shop_id)
    log.info("install.shopify.completed: shop %s", shop_id)
    return shop_id


def embedded_shop(sessions, settings, request_input: dict, exchange=exchange_session_token) -> int:
    """The shop a Shopify admin request is for, from its session token (verified by shopifyapp).

    Without a valid offline token the session token is exchanged for one; a shop seen for the first time
    (Shopify managed installation) is installed with the default preset. What an install left undone (the shop's
    own id, its webhook subscriptions) is done now.
    """
    result = shopify_app(settings).verify_app_home_req(request_input, SESSION_TOKEN_PATH)
    claims = result.id_token.claims if result.ok and result.id_token else {}
    if not result.ok or "exp" not in claims:
        code = result.log.code if not result.ok else "missing_exp"
        log.info("install.shopify.session-refused: %s", code)
        raise SessionTokenRefused(code, result.response if not result.ok else None)
    domain = shop_domain(f"{result.shop}.myshopify.com")
    with sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.platform == "shopify", Shop.domain == domain))
        known_id = platform_id(shop) if shop is not None else ""
    if shop is not None and shop.active and token_valid(shop):
        shop_id = shop.id
    else:
        shop_id = activate_shop(sessions, settings, domain, exchange(settings, result.id_token))
        log.info("install.shopify.token-exchanged: shop %s", shop_id)
    if not known_id:
        record_platform_id(sessions, settings, shop_id)
    if subscriptions_missing(sessions, shop_id):
        register_subscriptions(sessions, settings, shop_id)
    return shop_id


def activate_shop(sessions, settings, domain: str, grant: Grant, policy_name: str | None = None) -> int:
    """Create the shop (policy: the named preset, else kaolate) or re-activate it, and store its token."""
    with transaction(sessions) as session:
        shop = session.scalar(select(Shop).where(Shop.platform == "shopify", Shop.domain == domain))
        if shop is None:
            policy_text = resolve_policy_path(policy_name or DEFAULT_PRESET).read_text()
            shop = add_shop(session, platform="shopify", domain=domain, webhook_secret=settings.shopify_api_secret,
                            policy_text=policy_text, mode="shadow")   # until the merchant switches to live
        # A Shopify app's webhooks are signed with its API secret.
        shop.status, shop.uninstalled_at = "active", None
        shop.webhook_secret, shop.api_base_url = settings.shopify_api_secret, settings.shopify_admin_url or None
        store_grant(shop, grant)
        session.flush()
        return shop.id


def record_platform_id(sessions, settings, shop_id: int) -> bool:
    """Ask Shopify for the shop's own id and keep it; False without an answer (the next admin load asks again)."""
    with sessions() as session:
        shop = session.get(Shop, shop_id)
    try:
        # gid://shopify/Shop/123: compliance payloads carry the number alone, as shop_id.
        number = str(client_for(shop, settings.http_timeout).graphql(SHOP_ID, {})["shop"]["id"]).rsplit("/", 1)[-1]
    except (PlatformError, AttributeError, KeyError, TypeError) as exc:   # no client, or an answer without the id
        log.warning("install.shopify.shop-id-failed: shop %s: %s", shop_id, exc)
        return False
    if not number.isdigit():
        log.warning("install.shopify.shop-id-failed: shop %s: not a Shop id", shop_id)
        return False
    with transaction(sessions) as session:
        remember_platform_id(session.get(Shop, shop_id), number)
    return True


def subscriptions_missing(sessions, shop_id: int) -> bool:
    """True when some topic we process has no recorded subscription for the shop."""
    with sessions() as session:
        have = set(session.scalars(select(WebhookSubscription.topic).where(
            WebhookSubscription.shop_id == shop_id, WebhookSubscription.status == "active")))
    return not set(API_TOPICS) <= have
