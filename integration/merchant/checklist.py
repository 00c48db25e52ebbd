"""The shop's setup checklist: one function per item, read from the shop's rows and settings (never a platform call)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.registry import ADAPTERS
from integration.db.base import utcnow
from integration.db.models import PolicyVersion, Shop, WebhookDelivery, WebhookSubscription
from integration.db.request_models import Action, ActionAttempt
from integration.inbox.sweep import SOURCE_HEADER, sweep_state
from integration.merchant.labels import SUBSCRIPTION_STATES, key_words, topic_words
from integration.merchant.shop_time import shop_time
from integration.notify.emails import platform_emails_decisions
from integration.notify.reach import emails_reach_customers
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import resolve_policy_path
from integration.requests.customer_access import public_slug
from integration.shops.current_policy import policy_for
from integration.shops.returns_setup import labels_ready, return_address_text

DONE, TODO, NOT_NEEDED = "done", "todo", "not_needed"
REFUSED = re.compile(r"HTTP (401|403)\b")     # the store refused the credentials themselves
RECENT = timedelta(days=7)
LINKED = "customer_page_linked"               # shop.settings["setup"][LINKED]: the merchant ticked "I added the link"
CREDENTIAL_FIELDS = ("api_token", "consumer_key", "consumer_secret", "easypost_api_key")
SCANNED_DELIVERIES = 50


@dataclass(frozen=True)
class Item:
    key: str
    title: str
    state: str                              # done | todo | not_needed
    words: str
    fix: str = ""                           # where to fix it, in words (what `returnkit doctor` prints)
    link: tuple[str, dict] | None = None    # the page that fixes it: (Flask endpoint, its values)
    required: bool = False                  # returnkit cannot work for the shop until it is done

    @property
    def failing(self) -> bool:
        """A required item still to do."""
        return self.state == TODO and self.required


@dataclass(frozen=True)
class ShopView:
    """What the checklist reads of a shop; each credential only as set or not, so no secret is ever decrypted."""
    id: int
    platform: str
    domain: str
    is_demo: bool
    settings: dict
    policy_version_id: int | None
    api_token: bool
    consumer_key: bool
    consumer_secret: bool
    easypost_api_key: bool


def shop_view(session: Session, shop_id: int) -> ShopView | None:
    """The shop as the checklist reads it, or None when there is no such shop."""
    row = session.execute(select(
        Shop.id, Shop.platform, Shop.domain, Shop.is_demo, Shop.settings, Shop.policy_version_id,
        *(getattr(Shop, name).is_not(None) for name in CREDENTIAL_FIELDS)).where(Shop.id == shop_id)).first()
    return None if row is None else ShopView(*row[:4], row[4] or {}, row[5], *map(bool, row[6:]))


def _when(session: Session, shop: ShopView, value: datetime) -> str:
    """A moment in the shop's time zone (its current policy's; UTC before it has one): "6 Dec 2026, 17:34"."""
    return shop_time(value, policy_for(session, shop)[1].timezone if shop.policy_version_id else timezone.utc)


def _reconnect(shop: ShopView) -> dict:
    if shop.platform == "shopify":
        return {"fix": "Reinstall returnkit from your Shopify admin",
                "link": ("install_shopify.begin", {"shop": shop.domain})}
    return {"fix": "Connect your store again", "link": ("install_woo.connect_page", {})}


def _last_call(session: Session, shop: ShopView) -> tuple[datetime, str | None] | None:
    """The newest platform call the shop's actions and sweeps recorded: (when, None) or (when, its error)."""
    attempt = session.execute(
        select(ActionAttempt.finished_at, ActionAttempt.status, ActionAttempt.response)
        .join(Action, Action.id == ActionAttempt.action_pk)
        .where(Action.shop_id == shop.id, ActionAttempt.status.in_(("succeeded", "retryable", "failed")),
               ActionAttempt.finished_at.is_not(None))
        .order_by(ActionAttempt.finished_at.desc(), ActionAttempt.id.desc()).limit(1)).first()
    calls = [(attempt[0], None if attempt[1] == "succeeded" else attempt[2] or "")] if attempt else []
    state = sweep_state(shop)
    if state.get("last_success_at"):
        calls.append((datetime.fromisoformat(state["last_success_at"]), None))
    if state.get("last_error_at"):
        calls.append((datetime.fromisoformat(state["last_error_at"]), state.get("last_error") or ""))
    return max(calls, key=lambda call: call[0], default=None)


def store_item(session: Session, shop: ShopView) -> Item:
    """Store connected, and its credentials working at the last call returnkit made."""
    adapter = ADAPTERS[shop.platform]
    title = f"Your {adapter.title} store is connected"
    if not all(getattr(shop, name) for name in adapter.credentials):
        words = ("This demo shop is not connected to a real store: refunds, tags and labels cannot run on it."
                 if shop.is_demo else "returnkit has no access to your store, so it cannot refund, tag or send labels.")
        return Item("store", title, TODO, words, required=not shop.is_demo, **_reconnect(shop))
    last = _last_call(session, shop)
    if last and last[1] is not None and (refused := REFUSED.search(last[1])):
        return Item("store", title, TODO, f"Your store refused returnkit's access on {_when(session, shop, last[0])} "
                    f"(HTTP {refused.group(1)}): nothing can be done on it until you reconnect.", required=True,
                    **_reconnect(shop))
    outcome = "worked" if last and last[1] is None else "failed, but not because of access"
    words = (f"Connected. The last call to your store, on {_when(session, shop, last[0])}, {outcome}." if last
             else "Connected. returnkit has not needed to call your store yet.")
    return Item("store", title, DONE, words)


def _last_delivery(session: Session, shop_id: int) -> datetime | None:
    """When the platform last sent a webhook (the sweep's own copies of changes are not deliveries)."""
    rows = session.execute(select(WebhookDelivery.received_at, WebhookDelivery.headers)
                           .where(WebhookDelivery.shop_id == shop_id)
                           .order_by(WebhookDelivery.received_at.desc()).limit(SCANNED_DELIVERIES))
    return next((when for when, headers in rows if (headers or {}).get(SOURCE_HEADER) != "reconcile"), None)


def webhooks_item(session: Session, shop: ShopView, now: datetime) -> Item:
    """The webhook subscriptions the install registered work, and deliveries arrive."""
    title = "Your store tells returnkit about changes (webhooks)"
    subscriptions = session.execute(select(WebhookSubscription.topic, WebhookSubscription.status).where(
        WebhookSubscription.shop_id == shop.id).order_by(WebhookSubscription.topic)).all()
    platform = ADAPTERS[shop.platform].title
    broken = [f"{topic_words(topic, platform)} ({SUBSCRIPTION_STATES.get(status, key_words(status))})"
              for topic, status in subscriptions if status != "active"]
    problem = sweep_state(shop).get("subscription_problem")
    if broken or problem:
        words = " ".join(filter(None, [f"Not working: {', '.join(broken)}." if broken else "", problem]))
        return Item("webhooks", title, TODO, words + " returnkit sees changes only when it checks your store, "
                    "every few minutes.", required=True, **_reconnect(shop))
    last = _last_delivery(session, shop.id)
    if last is not None and now - last <= RECENT:
        return Item("webhooks", title, DONE, f"Working: the last one arrived on {_when(session, shop, last)}.")
    if subscriptions:
        arrived = f"; the last one arrived on {_when(session, shop, last)}." if last else "; none has arrived yet."
        return Item("webhooks", title, DONE, f"{len(subscriptions)} registered, all working at the last check{arrived}")
    return Item("webhooks", title, TODO, "None registered and none received: returnkit sees changes only when it "
                "checks your store, every few minutes.", **_reconnect(shop))


def _is_blank(document: str) -> bool:
    return document.strip() == resolve_policy_path("blank").read_text(encoding="utf-8").strip()


def policy_item(session: Session, shop: ShopView) -> Item:
    """A policy of the merchant's choosing: not the blank starting one, and not still the demo's sample."""
    title, link = "Your return policy is chosen", ("policy.presets", {})
    version = session.get(PolicyVersion, shop.policy_version_id) if shop.policy_version_id else None
    fix = "Choose a preset or write your own rules"
    if version is None:
        return Item("policy", title, TODO, "No policy yet: returnkit cannot answer any request.", fix, link, True)
    if _is_blank(version.document):
        return Item("policy", title, TODO, "You still have the blank starting policy: every request waits for "
                    "your review.", fix, link)
    if shop.is_demo and version.version == 1:
        return Item("policy", title, TODO, f"This is the demo's sample policy ({version.policy_id}), written for "
                    "another shop.", fix, link)
    return Item("policy", title, DONE, f"Your policy “{_policy_name(session, shop, version)}”, version "
                f"{version.version}, answers requests.", "Change your policy", ("policy.overview", {}))


def _policy_name(session: Session, shop: ShopView, version: PolicyVersion) -> str:
    """The policy's own name ("Kaolate Returns and Refund Policy"), else its id when it no longer compiles."""
    try:
        return policy_for(session, shop)[1].name
    except InvalidPolicy:
        return version.policy_id


def _pays_return_shipping(session: Session, shop: ShopView) -> bool:
    """Whether any rule or adjustment of the shop's policy has the shop pay for return shipping."""
    try:
        policy = policy_for(session, shop)[1]
    except InvalidPolicy:
        return True   # cannot tell: assume labels are wanted
    terms = [rule.terms.shipping_paid_by for rule in (*policy.rules, policy.otherwise)]
    terms += [adjustment.changes.get("shipping_paid_by") for adjustment in policy.adjustments]
    return "merchant" in terms


def labels_item(session: Session, shop: ShopView) -> Item:
    """Where parcels come back to, and whether returnkit can buy the prepaid labels the policy promises."""
    title, fix, link = "Return address and prepaid labels", "Set up returns", ("returns_setup.show", {})
    address = return_address_text(shop)
    if labels_ready(shop):
        return Item("labels", title, DONE, f"Prepaid labels are bought through your EasyPost account; parcels come "
                    f"back to {address}.", fix, link)
    if not address:
        return Item("labels", title, TODO, "No return address: customers cannot be told where to send their "
                    "returns.", fix, link)
    if not _pays_return_shipping(session, shop):
        return Item("labels", title, NOT_NEEDED, f"Parcels come back to {address}. Your policy never pays for "
                    "return shipping, so no prepaid label is needed.", fix, link)
    return Item("labels", title, TODO, f"Parcels come back to {address}, but no EasyPost key is set: when your "
                "policy pays for return shipping, you send the label yourself (the order is tagged "
                "returnkit-label-needed).", fix, link)


def emails_item(shop: ShopView, settings) -> Item:
    """Customer emails really go out (a mail server), or stay in the local outbox; and the platform's own emails."""
    title, fix, link = "Emails to your customers", "Email settings", ("notify.show", {})
    platform = ADAPTERS[shop.platform]
    own = (f" {platform.title} itself emails approved and declined returns (your setting)."
           if platform.opens_returns and platform_emails_decisions(shop) else "")
    if emails_reach_customers(settings):
        return Item("emails", title, DONE, "Emails go out through your mail server." + own, fix, link)
    return Item("emails", title, TODO, "Local outbox only: no mail server is set up (RETURNKIT_SMTP_HOST), so "
                "emails reach no customer; customers are told to check their request page instead." + own, fix, link)


def request_page_url(shop, settings) -> str:
    """The customer request page's address, to link from the store."""
    return f"{settings.public_url.rstrip('/')}/r/{public_slug(shop)}"


def customer_page_item(shop: ShopView, settings) -> Item:
    """The merchant says the store links to the customer request page."""
    title, url = "Your store links to the request page", request_page_url(shop, settings)
    link = ("pages.home", {"_anchor": "request-page"})
    if ((shop.settings or {}).get("setup") or {}).get(LINKED):
        return Item("customer_page", title, DONE, f"You linked {url} from your store.", "The link", link)
    return Item("customer_page", title, TODO, f"Add a link to {url} in your store (a menu item, your returns "
                "policy page, the order confirmation email), then tick \"I added the link\".", "Copy the link", link)


def checklist(session: Session, shop_id: int, settings, now: datetime | None = None) -> list[Item]:
    """Every item of the shop's checklist, in the order a merchant sets them up."""
    shop = shop_view(session, shop_id)
    return [store_item(session, shop), webhooks_item(session, shop, now or utcnow()), policy_item(session, shop),
            labels_item(session, shop), emails_item(shop, settings), customer_page_item(shop, settings)]


def mark_customer_page_linked(shop: Shop, linked: bool) -> None:
    """Record the merchant's tick: the store links to the request page (or no longer does)."""
    settings = dict(shop.settings or {})
    settings["setup"] = {**(settings.get("setup") or {}), LINKED: bool(linked)}
    shop.settings = settings
