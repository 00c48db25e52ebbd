"""Embedding: the storefront a merchant may frame their customers' request page in (none unless they name one)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from integration.requests.customer_access import public_slug
from integration.shops.embedding import frame_origin, set_frame_origin
from integration.web.auth import shop_required

NAV = [("embedding.show", "Embedding")]

blueprint = Blueprint("embedding", __name__, url_prefix="/app/embedding", template_folder="templates")


def _page(problem: str | None = None, typed: str | None = None, status: int = 200):
    base = current_app.extensions["returnkit"].runtime.settings.public_url
    request_page = base + url_for("customer.lookup", slug=public_slug(g.shop))
    origin = frame_origin(g.shop)
    return render_template("embedding.html", origin=origin, request_page=request_page, problem=problem,
                           typed=origin if typed is None else typed), status


@blueprint.get("/")
@shop_required
def show():
    """The storefront allowed to frame the request page, and a form to change it."""
    return _page()


@blueprint.post("/")
@shop_required
def save():
    """Allow one https storefront origin to frame the request page, or (blank) none."""
    typed = request.form.get("storefront_origin", "")
    try:
        origin = set_frame_origin(g.shop, typed)
    except ValueError as exc:
        return _page(str(exc), typed, 422)
    g.db.commit()
    flash(f"Your request page may now be framed by {origin}." if origin else
          "Your request page may not be framed by any site.", "success")
    return redirect(url_for("embedding.show"), 303)
