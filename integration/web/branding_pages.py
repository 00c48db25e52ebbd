"""The customer page's look and words: the shop's name, logo, colour, language and contact address."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from integration.requests.customer_access import public_slug
from integration.shops.branding import LANGUAGES, branding_of, set_branding
from integration.web.auth import shop_required

NAV = [("branding.show", "Customer page")]

blueprint = Blueprint("branding", __name__, url_prefix="/app/customer-page", template_folder="templates")


def _page(values: dict, problem: str | None = None, status: int = 200):
    link = url_for("customer.lookup", slug=public_slug(g.shop), _external=True)
    return render_template("branding.html", values=values, languages=LANGUAGES, problem=problem, link=link), status


@blueprint.get("/")
@shop_required
def show():
    """The settings with the customer page's address to link from the store."""
    return _page(branding_of(g.shop))


@blueprint.post("/")
@shop_required
def save():
    """Save them; a bad value names its field and the fix (422), nothing saved."""
    try:
        set_branding(g.shop, request.form)
    except ValueError as exc:
        return _page({key: request.form.get(key, "") for key in branding_of(g.shop)}, str(exc), 422)
    g.db.commit()
    flash("Saved: the customer page shows these from now on.", "success")
    return redirect(url_for("branding.show"), 303)
