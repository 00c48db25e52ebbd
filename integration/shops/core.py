"""Shops: install, credentials (encrypted at rest), the assigned policy and its versions."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.registry import ADAPTERS
from integration.db.models import PolicyVersion, Shop
from integration.policy.compiler import InvalidPolicy
from integration.shops.mode import LIVE, MODES, SETTING as MODE_SETTING, SHADOW, shop_mode
from integration.policy.loader import load_policy_text


class ShopError(ValueError):
    """A shop that cannot be saved as given; the message names the field and the fix."""


def platform_adapter(platform: str):
    """The platform's adapter; ShopError naming the ones there are when it is not one of them."""
    if platform not in ADAPTERS:
        raise ShopError(f"platform: {platform!r} is not supported; use one of: {', '.join(ADAPTERS)}")
    return ADAPTERS[platform]


def normalize_domain(platform: str, domain: str) -> str:
    """The shop's canonical domain, as its platform writes it (`x.myshopify.com`, a store URL)."""
    try:
        return platform_adapter(platform).normalize_domain(domain)
    except ShopError:
        raise
    except ValueError as exc:
        raise ShopError(str(exc)) from None


CREDENTIALS = ("api_token", "consumer_key", "consumer_secret")   # the shop columns that hold platform credentials


def _check_policy(text: str) -> str:
    try:
        return load_policy_text(text).id
    except InvalidPolicy as exc:
        raise ShopError(f"policy: {exc.errors[0]}") from None


def _check_credentials(platform: str, creds: dict) -> None:
    adapter = platform_adapter(platform)
    for name in (n.replace("_", "-") for n in CREDENTIALS if creds.get(n) and n not in adapter.credentials):
        flags = " and ".join(f"--{n.replace('_', '-')}" for n in adapter.credentials)
        raise ShopError(f"{name}: {adapter.title} shops use {flags}, not --{name}")
    if bool(creds.get("consumer_key")) != bool(creds.get("consumer_secret")):
        raise ShopError("consumer-secret: give --consumer-key and --consumer-secret together")


def add_shop(session: Session, *, platform: str, domain: str, webhook_secret: str, policy_text: str,
             api_base_url: str | None = None, is_demo: bool = False, check_store_url=None, mode: str = LIVE,
             **creds) -> Shop:
    """Create a shop with its first policy version; raises ShopError naming the field.

    `check_store_url` (store_urls.check_store_url with its resolver bound) refuses a WooCommerce store
    URL that is not public, for URLs a merchant typed. `mode` is live unless given: every way a merchant
    installs (OAuth, WooCommerce connect, `shops add` without --live, the demo) passes shadow."""
    domain = normalize_domain(platform, domain)
    if check_store_url and platform_adapter(platform).checks_store_url:
        try:
            domain = normalize_domain(platform, check_store_url(domain))
        except ValueError as exc:
            raise ShopError(str(exc)) from None
    if not webhook_secret:
        raise ShopError("webhook-secret: is required (the secret the platform signs webhooks with)")
    _check_credentials(platform, creds)
    if mode not in MODES:
        raise ShopError(f"mode: {mode!r} is not a mode; use one of: {', '.join(MODES)}")
    if session.scalar(select(Shop.id).where(Shop.platform == platform, Shop.domain == domain)):
        raise ShopError(f"domain: {domain} is already installed; use `returnkit shops set-policy` to change it")
    settings = {MODE_SETTING: mode} if mode == SHADOW else {}
    shop = Shop(platform=platform, domain=domain, webhook_secret=webhook_secret, api_base_url=api_base_url,
                is_demo=is_demo, settings=settings, **{k: v for k, v in creds.items() if v})
    session.add(shop)
    session.flush()
    set_policy(session, shop, policy_text)
    return shop


def set_policy(session: Session, shop: Shop, policy_text: str) -> PolicyVersion:
    """Save the policy as the shop's next version and make it current."""
    policy_id = _check_policy(policy_text)
    latest = session.scalar(select(func.max(PolicyVersion.version)).where(PolicyVersion.shop_id == shop.id))
    version = PolicyVersion(shop_id=shop.id, version=(latest or 0) + 1, policy_id=policy_id, document=policy_text)
    session.add(version)
    session.flush()
    shop.policy_version_id = version.id
    return version


def issue_api_key(shop: Shop) -> str:
    """A new API key for the shop's request API; only its hash is kept, so show it once."""
    key = "rk_" + secrets.token_urlsafe(32)
    shop.api_key_hash = hashlib.sha256(key.encode()).hexdigest()
    return key


def find_shop(session: Session, domain: str, platform: str | None = None) -> Shop:
    """The shop with this domain (as typed by a person); raises ShopError when there is none."""
    candidates = [platform] if platform else list(ADAPTERS)
    for name in candidates:
        try:
            key = normalize_domain(name, domain)
        except ShopError:
            continue
        shop = session.scalar(select(Shop).where(Shop.platform == name, Shop.domain == key))
        if shop:
            return shop
    raise ShopError(f"shop: no shop {domain!r} is installed; `returnkit shops list` shows them")


def shop_json(shop: Shop) -> dict:
    """A shop for listings: never a secret, only whether each one is set."""
    version = shop.policy_version
    return {"id": shop.id, "platform": shop.platform, "domain": shop.domain, "status": shop.status,
            "demo": shop.is_demo, "policy": version.policy_id if version else None,
            "policy_version": version.version if version else None, "api_base_url": shop.api_base_url,
            "credentials": {"api_token": bool(shop.api_token), "consumer_key": bool(shop.consumer_key),
                            "easypost_api_key": bool(shop.easypost_api_key)},
            "return_address": (shop.settings or {}).get("return_address"), "mode": shop_mode(shop),
            "created_at": shop.created_at.isoformat()}
