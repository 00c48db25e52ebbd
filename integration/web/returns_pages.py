"""Return labels: the shop's return address, its EasyPost API key and the secret of the EasyPost webhook that
reports the labels' trackers (with the address to paste into EasyPost). Keys are kept encrypted and never shown."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from integration.requests.customer_access import public_slug
from integration.runtime import settings_of
from integration.shops.returns_setup import (ASSUME_DELIVERED, ReturnAddressSchema, ReturnsSetupError,
                                             assumed_delivery_days, configure_returns, labels_ready)
from integration.web.auth import shop_required

NAV = [("returns_setup.show", "Return labels")]
SECRETS = {"easypost_api_key": "EasyPost API key", "easypost_webhook_secret": "EasyPost webhook secret"}
ADDRESS_FIELDS = tuple(ReturnAddressSchema().fields)

blueprint = Blueprint("returns_setup", __name__, url_prefix="/app/returns", template_folder="templates")


def masked(value: str | None) -> str | None:
    """A stored secret as the page shows it: dots and, for a long one, its last four characters."""
    if not value:
        return None
    return "••••••••" + (value[-4:] if len(value) >= 16 else "")


def webhook_url() -> str:
    """The address EasyPost sends this shop's tracker Events to (webhooks/easypost.py), from the public URL."""
    return f"{settings_of(g.db).public_url.rstrip('/')}/webhooks/easypost/{public_slug(g.shop)}"


def _page(errors: list[str] | None = None, status: int = 200):
    address = (g.shop.settings or {}).get("return_address") or {}
    shown = {name: request.form.get(f"address-{name}", "") for name in ADDRESS_FIELDS} if errors else address
    days = request.form.get(ASSUME_DELIVERED, "") if errors else (assumed_delivery_days(g.shop) or "")
    return render_template("returns_settings.html", errors=errors or [], address=shown, fields=ADDRESS_FIELDS,
                           assume_delivered_after_days=days,
                           secrets={name: (label, masked(getattr(g.shop, name))) for name, label in SECRETS.items()},
                           webhook_url=webhook_url(), ready=labels_ready(g.shop)), status


def _changes(form) -> dict:
    """configure_returns' arguments from the form: an address when any field is filled; a secret only when typed
    (blank keeps the stored one) or removed."""
    address = {name: form.get(f"address-{name}", "").strip() for name in ADDRESS_FIELDS}
    changes = {"address": {k: v for k, v in address.items() if v}} if any(address.values()) else {}
    if ASSUME_DELIVERED in form:   # empty turns the assumption off
        changes[ASSUME_DELIVERED] = form[ASSUME_DELIVERED]
    for name in SECRETS:
        typed = form.get(name, "").strip()
        if typed or form.get(f"remove-{name}"):
            changes[name] = typed if typed else ""
    return changes


@blueprint.get("/")
@shop_required
def show():
    """The return address, the EasyPost key and webhook secret (masked), and the webhook's address."""
    return _page()


@blueprint.post("/")
@shop_required
def save():
    """Save what was filled in; a bad field is named and nothing is saved."""
    try:
        configure_returns(g.shop, **_changes(request.form))
    except ReturnsSetupError as exc:
        g.db.rollback()
        return _page(exc.errors, 422)
    g.db.commit()
    flash("Saved: return labels use these settings from now on.", "success")
    return redirect(url_for("returns_setup.show"), 303)
