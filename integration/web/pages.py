"""The settings page's frame: sign-in by link, sign-out, and the shop's home page."""
from __future__ import annotations

from datetime import timezone

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from adapters.registry import ADAPTERS
from integration.db.engine import transaction
from integration.db.models import PolicyVersion, Shop, WebhookSubscription
from integration.db.request_models import Action, ReturnCase
from integration.merchant.checklist import DONE, checklist, mark_customer_page_linked
from integration.merchant.labels import (SUBSCRIPTION_STATES, count_words, key_words, message_state_words,
                                         outcome_words, topic_words)
from integration.merchant.shop_time import shop_date, shop_time
from integration.orders.as_case import shop_zone
from integration.requests.customer_access import public_slug
from integration.shops.current_policy import policy_for
from integration.web.auth import (Unauthenticated, login_shop, read_login_token, revoke_session, shop_required,
                                  spend_login_link)

NAV = [("pages.home", "Home")]

blueprint = Blueprint("pages", __name__, url_prefix="/app", template_folder="templates",
                      static_folder="static", static_url_path="/static")


def _runtime():
    return current_app.extensions["returnkit"].runtime


def _zone():
    """The signed-in shop's time zone, once per request (UTC on a page without a shop)."""
    if "shop_zone" not in g:
        g.shop_zone = shop_zone(g.db, g.shop) if g.get("shop") is not None else timezone.utc
    return g.shop_zone


# Every merchant page writes dates and times for people with these: `{{ at|shop_time }}` → "6 Dec 2026, 17:34".
blueprint.add_app_template_filter(lambda value: shop_date(value, _zone()), "shop_date")
blueprint.add_app_template_filter(lambda value: shop_time(value, _zone()), "shop_time")
blueprint.add_app_template_filter(outcome_words, "outcome_words")
blueprint.add_app_template_filter(message_state_words, "message_state")
blueprint.add_app_template_filter(count_words, "count")   # {{ 2|count("photo") }} → "2 photos"


@blueprint.get("/login/<token>")
def login(token: str):
    """Sign this browser in as the shop a login link names (once per link), then go to its home page."""
    try:
        link = read_login_token(token)
        with transaction(_runtime().sessions) as db:
            shop = db.get(Shop, link.shop_id)
            if shop is None or not shop.active:
                raise Unauthenticated("this shop is not installed")
            spend_login_link(db, link)
    except Unauthenticated as exc:
        return render_template("signed_out.html", problem=str(exc)), 401
    login_shop(shop)   # once the link's use is committed
    return redirect(url_for("pages.home"))


@blueprint.get("/signed-out")
def signed_out():
    """How to sign in: from Shopify admin, after a WooCommerce connect, or with a login link."""
    return render_template("signed_out.html", problem=None)


@blueprint.post("/logout")
def logout():
    """End this browser's shop session, here and for any copy of its cookie."""
    with transaction(_runtime().sessions) as db:
        revoke_session(db)
    session.clear()
    return redirect(url_for("pages.signed_out"))


def _counts(db, shop_id: int) -> dict:
    waiting = db.scalar(select(func.count()).select_from(ReturnCase).where(
        ReturnCase.shop_id == shop_id, ReturnCase.status == "open"))
    dead = db.scalar(select(func.count()).select_from(Action).where(Action.shop_id == shop_id, Action.state == "dead"))
    return {"open_requests": waiting or 0, "dead_actions": dead or 0}


def _sync(db, shop: Shop) -> dict:
    """The last successful sweep, and the webhook subscriptions that are not working."""
    from integration.inbox.sweep import sweep_state
    state = sweep_state(shop)
    broken = db.scalars(select(WebhookSubscription).where(
        WebhookSubscription.shop_id == shop.id, WebhookSubscription.status != "active").order_by(WebhookSubscription.topic))
    title = ADAPTERS[shop.platform].title
    return {"last_success_at": state.get("last_success_at"), "problem": state.get("subscription_problem"),
            "broken": [(topic_words(row.topic, title), SUBSCRIPTION_STATES.get(row.status, key_words(row.status)))
                       for row in broken]}


@blueprint.get("/")
@shop_required
def home():
    """The shop at a glance: its policy version, what waits for the merchant, what failed, webhook health."""
    version = g.db.get(PolicyVersion, g.shop.policy_version_id)
    base = _runtime().settings.public_url
    request_page = base + url_for("customer.lookup", slug=public_slug(g.shop))
    name = policy_for(g.db, g.shop)[1].name if version is not None else None
    return render_template("home.html", shop=g.shop, version=version, policy_name=name, counts=_counts(g.db, g.shop.id),
                           request_page=request_page, sync=_sync(g.db, g.shop),
                           setup=checklist(g.db, g.shop.id, _runtime().settings), done=DONE)


@blueprint.post("/setup/customer-page")
@shop_required
def customer_page_linked():
    """The merchant's tick on the checklist: the store links to the customer request page (or no longer does)."""
    mark_customer_page_linked(g.shop, request.form.get("linked") == "on")
    g.db.commit()
    return redirect(url_for("pages.home", _anchor="setup-heading"))
