"""Notifications: the customer's emails (texts per step, a preview, the outbox) and outbound webhook endpoints."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from adapters.registry import ADAPTERS
from integration.db.notify_models import Message, WebhookEndpoint
from integration.merchant.labels import message_state_words
from integration.notify.emails import (STEP_TITLES, TextError, platform_emails_decisions, preview, save_settings,
                                       texts)
from integration.notify.endpoints import EndpointError, add_endpoint, check_events, endpoints_of, send_test
from integration.notify.events import EMAIL_STEPS, WEBHOOK_EVENTS
from integration.notify.history import deliveries_of, emails_of
from integration.notify.send import retry_by_hand, send_message
from integration.web.auth import owned, shop_required

NAV = [("notify.show", "Notifications")]

blueprint = Blueprint("notify", __name__, url_prefix="/app/notifications", template_folder="templates")


def _runtime():
    return current_app.extensions["returnkit"].runtime


def _page(errors: list[str] | None = None, status: int = 200, draft=None, new_endpoint=None):
    shop = g.shop
    return render_template(
        "notify_settings.html", steps=EMAIL_STEPS, titles=STEP_TITLES, texts=draft or texts(shop),
        previews=preview(shop, draft), switch=platform_emails_decisions(shop),
        platform=ADAPTERS[shop.platform], endpoints=endpoints_of(g.db, shop.id), events=WEBHOOK_EVENTS,
        emails=emails_of(g.db, shop.id), smtp=bool(_runtime().settings.smtp_host), errors=errors or [],
        new_endpoint=new_endpoint), status


@blueprint.get("/")
@shop_required
def show():
    """The email texts with their preview, the shop's endpoints, and the latest emails."""
    return _page()


def _draft(form) -> dict[str, tuple[str, str]]:
    saved = texts(g.shop)
    return {step: (form.get(f"subject-{step}", "").strip() or saved[step][0],
                   form.get(f"opening-{step}", "").strip() or saved[step][1]) for step in EMAIL_STEPS}


@blueprint.post("/texts")
@shop_required
def save_texts():
    """Save the subject and opening of each step and the platform switch; or only preview them (nothing saved)."""
    if request.form.get("preview"):
        return _page(draft=_draft(request.form))
    try:
        save_settings(g.shop, request.form, switch=request.form.get("platform_emails_decisions") == "on")
    except TextError as exc:
        g.db.rollback()
        return _page(exc.errors, 422)
    g.db.commit()
    flash("Email texts saved.", "success")
    return redirect(url_for("notify.show"), 303)


@blueprint.post("/endpoints")
@shop_required
def add():
    """Add an endpoint; its signing secret is shown on the answer (and can be revealed again later)."""
    try:
        endpoint = add_endpoint(g.db, g.shop, request.form.get("url", ""), request.form.getlist("events"),
                                _runtime().settings.allow_private_store_urls)
    except EndpointError as exc:
        g.db.rollback()
        return _page(exc.errors, 422)
    g.db.commit()
    return _page(new_endpoint=endpoint)


@blueprint.get("/endpoints/<int:endpoint_id>")
@shop_required
def endpoint(endpoint_id: int):
    """One endpoint: its events and its delivery log (status, attempts, response codes; never the secret)."""
    row = owned(WebhookEndpoint, endpoint_id)
    return render_template("notify_endpoint.html", endpoint=row, deliveries=deliveries_of(g.db, g.shop.id, row.id),
                           events=WEBHOOK_EVENTS, secret=None)


@blueprint.post("/endpoints/<int:endpoint_id>/reveal")
@shop_required
def reveal(endpoint_id: int):
    """Show the endpoint's signing secret on this answer only."""
    row = owned(WebhookEndpoint, endpoint_id)
    return render_template("notify_endpoint.html", endpoint=row, deliveries=deliveries_of(g.db, g.shop.id, row.id),
                           events=WEBHOOK_EVENTS, secret=row.secret)


@blueprint.post("/endpoints/<int:endpoint_id>/edit")
@shop_required
def edit(endpoint_id: int):
    """Change the events an endpoint gets, or switch it on or off."""
    row = owned(WebhookEndpoint, endpoint_id)
    try:
        row.events = check_events(request.form.getlist("events"))
    except EndpointError as exc:   # nothing changed yet
        flash("; ".join(exc.errors), "error")
        return redirect(url_for("notify.endpoint", endpoint_id=row.id), 303)
    row.active = request.form.get("active") == "on"
    g.db.commit()
    flash("Endpoint saved.", "success")
    return redirect(url_for("notify.endpoint", endpoint_id=row.id), 303)


@blueprint.post("/endpoints/<int:endpoint_id>/delete")
@shop_required
def delete(endpoint_id: int):
    """Delete an endpoint and its delivery log, once the merchant ticked that they mean it."""
    row = owned(WebhookEndpoint, endpoint_id)
    if request.form.get("confirm") != "on":
        flash("confirm: tick the box to delete the endpoint and its delivery log.", "error")
        return redirect(url_for("notify.endpoint", endpoint_id=row.id), 303)
    g.db.delete(row)
    g.db.commit()
    flash("Endpoint deleted.", "success")
    return redirect(url_for("notify.show"), 303)


@blueprint.post("/endpoints/<int:endpoint_id>/test")
@shop_required
def test(endpoint_id: int):
    """Send a signed `webhook.test` now, through the outbox; its delivery joins the log."""
    row = owned(WebhookEndpoint, endpoint_id)
    message_id = send_test(g.db, g.shop, row).id
    g.db.commit()
    state = send_message(_runtime(), message_id)   # a retry, if it failed, is the worker's
    flash(f"Test delivery {message_id}: {message_state_words(state)}.", "success" if state == "succeeded" else "error")
    return redirect(url_for("notify.endpoint", endpoint_id=row.id), 303)


@blueprint.get("/messages/<int:message_id>")
@shop_required
def message(message_id: int):
    """One email as the customer reads it (or one webhook's body), and its attempts."""
    return render_template("notify_message.html", message=owned(Message, message_id))


@blueprint.post("/messages/<int:message_id>/retry")
@shop_required
def retry(message_id: int):
    """Give a dead message another go (the worker sends it)."""
    row = owned(Message, message_id)
    if retry_by_hand(g.db, row):
        g.db.commit()
        flash(f"Message {row.id} will be tried again.", "success")
    else:
        flash(f"Message {row.id} is {row.state}, not dead: nothing to retry.", "error")
    return redirect(url_for("notify.message", message_id=row.id), 303)
