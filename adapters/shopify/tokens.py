"""Shopify access tokens: the OAuth code grant, token exchange of a session token, and refresh of expiring
offline tokens. Shopify's packages do the protocol (shopifyapp: token exchange and refresh); this is the glue
that stores what they return on the shop, encrypted.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import requests
from shopify_app import ShopifyApp
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop

log = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)   # refresh an expiring token this long before it lapses


class TokenError(Exception):
    """Shopify would not give us a token; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Grant:
    """An offline access token as Shopify granted it (the expiry fields are None for a non-expiring one)."""
    token: str
    scopes: str
    expires_at: datetime | None = None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None


def shopify_app(settings) -> ShopifyApp:
    """Shopify's app object with our client credentials; raises TokenError when they are not configured."""
    if not settings.shopify_api_key or not settings.shopify_api_secret:
        raise TokenError("RETURNKIT_SHOPIFY_API_KEY and RETURNKIT_SHOPIFY_API_SECRET must be set to install on "
                         "Shopify (the app's client id and secret)", 503)
    return ShopifyApp(client_id=settings.shopify_api_key, client_secret=settings.shopify_api_secret)


def admin_base(settings, domain: str) -> str:
    """Where the shop's admin answers: https://{domain}, or the configured override (an emulator)."""
    return settings.shopify_admin_url or f"https://{domain}"


class _AdminHostTransport(httpx.HTTPTransport):
    """Sends shopifyapp's https://{shop}.myshopify.com calls to RETURNKIT_SHOPIFY_ADMIN_URL instead."""

    def __init__(self, admin_url: str):
        super().__init__()
        self.target = httpx.URL(admin_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.target.scheme, host=self.target.host, port=self.target.port)
        return super().handle_request(request)


def http_client(settings) -> httpx.Client:
    """The client shopifyapp calls through: our timeout, and the admin host override when there is one."""
    transport = _AdminHostTransport(settings.shopify_admin_url) if settings.shopify_admin_url else None
    return httpx.Client(timeout=settings.http_timeout, transport=transport)


def _when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def _in(seconds) -> datetime | None:
    return utcnow() + timedelta(seconds=int(seconds)) if seconds is not None else None


def grant_from(access_token) -> Grant:
    """A Grant from shopifyapp's TokenExchangeAccessToken."""
    return Grant(access_token.token, access_token.scope or "", _when(access_token.expires),
                 access_token.refresh_token or None, _when(access_token.refresh_token_expires))


def exchange_code(settings, domain: str, code: str) -> Grant:
    """The authorization code for an expiring offline token (the caller has checked the callback's HMAC)."""
    shopify_app(settings)
    try:
        response = requests.post(f"{admin_base(settings, domain)}/admin/oauth/access_token", timeout=settings.http_timeout,
                                 json={"client_id": settings.shopify_api_key, "client_secret": settings.shopify_api_secret,
                                       "code": code, "expiring": 1})
    except requests.RequestException as exc:
        raise TokenError(f"shopify: could not reach {domain} for the access token ({type(exc).__name__}); "
                         "try installing again") from None
    if response.status_code != 200:
        raise TokenError(f"code: Shopify refused the authorization code (HTTP {response.status_code}); "
                         "start the install again", 400 if response.status_code < 500 else 502)
    body = response.json()
    return Grant(body["access_token"], body.get("scope", ""), _in(body.get("expires_in")),
                 body.get("refresh_token"), _in(body.get("refresh_token_expires_in")))


def exchange_session_token(settings, id_token) -> Grant:
    """A verified session token (shopifyapp IdTokenDetails) for an expiring offline token."""
    with http_client(settings) as client:
        result = shopify_app(settings).exchange_using_token_exchange("offline", id_token=id_token, expiring=True,
                                                                     http_client=client)
    if not result.ok:
        raise TokenError(f"session token: Shopify refused the token exchange ({result.log.code}); reload the app",
                         result.response.status or 401)
    return grant_from(result.access_token)


def store_grant(shop: Shop, grant: Grant) -> None:
    """Keep the token, its scopes and expiry times on the shop (the token columns are encrypted)."""
    shop.api_token, shop.scopes = grant.token, grant.scopes
    shop.token_expires_at, shop.refresh_token = grant.expires_at, grant.refresh_token
    shop.refresh_token_expires_at = grant.refresh_expires_at


def token_valid(shop: Shop, now: datetime | None = None) -> bool:
    """True when the shop has a token that will not lapse within REFRESH_MARGIN."""
    if not shop.api_token:
        return False
    return shop.token_expires_at is None or shop.token_expires_at > (now or utcnow()) + REFRESH_MARGIN


def refresh_due(shop: Shop, now: datetime | None = None) -> bool:
    """True when the shop's token is an expiring one that lapses within REFRESH_MARGIN."""
    return bool(shop.refresh_token and shop.token_expires_at and not token_valid(shop, now))


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def _refresh(settings, shop: Shop) -> None:
    # shopifyapp refreshes when under 60 s remain; giving it the expiry less our margin makes that 5 minutes.
    current = {"shop": shop.domain.removesuffix(".myshopify.com"), "refresh_token": shop.refresh_token,
               "expires": _iso(shop.token_expires_at - REFRESH_MARGIN + timedelta(seconds=60)),
               "refresh_token_expires": _iso(shop.refresh_token_expires_at), "access_mode": "offline"}
    with http_client(settings) as client:
        result = shopify_app(settings).refresh_token_exchanged_access_token(current, http_client=client)
    if not result.ok:
        log.warning("tokens.shopify.refresh-failed: shop %s: %s", shop.id, result.log.code)
        raise TokenError(f"shopify: could not refresh the access token ({result.log.code}); "
                         "open returnkit from the Shopify admin to authorize it again", result.response.status)
    if result.access_token is not None:
        store_grant(shop, grant_from(result.access_token))
        log.info("tokens.shopify.refreshed: shop %s", shop.id)


def refresh_if_due(sessions, shop_id: int, settings, now: datetime | None = None) -> Shop:
    """The shop, with its expiring offline token refreshed first when it lapses within 5 minutes.

    The row is locked while refreshing (PostgreSQL), so two workers do not both spend the one-use refresh token.
    """
    with transaction(sessions) as session:
        shop = session.get(Shop, shop_id)
        if shop is not None and refresh_due(shop, now):
            shop = session.scalar(select(Shop).where(Shop.id == shop_id).with_for_update())
            if refresh_due(shop, now):
                _refresh(settings, shop)
    return shop


def shops_to_refresh(session, within: timedelta, now: datetime | None = None) -> list[int]:
    """Active Shopify shops whose expiring token lapses within `within`."""
    return list(session.scalars(select(Shop.id).where(
        Shop.platform == "shopify", Shop.status == "active", Shop.refresh_token.is_not(None),
        Shop.token_expires_at < (now or utcnow()) + within).order_by(Shop.id)))


def refresh_expiring(rt) -> int:
    """Refresh every token that lapses within REFRESH_MARGIN (a periodic task); returns how many were tried."""
    with rt.sessions() as session:
        due = shops_to_refresh(session, REFRESH_MARGIN)
    for shop_id in due:
        try:
            refresh_if_due(rt.sessions, shop_id, rt.settings)
        except TokenError:
            continue   # logged; the next run or the next API call tries again
    return len(due)
