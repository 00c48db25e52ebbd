"""Replacements: per item class of the shop's policy, create an approved replacement's order or leave it to me."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from integration.db.models import PolicyVersion
from integration.policy.loader import load_policy_text
from integration.shops.replacements import MODES, chosen_modes, replacement_mode, set_modes
from integration.web.auth import shop_required

NAV = [("replacements.show", "Replacements")]

blueprint = Blueprint("replacements", __name__, url_prefix="/app/replacements", template_folder="templates")


def _classes() -> tuple[str, ...]:
    """The item classes of the shop's current policy (none before a policy is chosen)."""
    version = g.db.get(PolicyVersion, g.shop.policy_version_id) if g.shop.policy_version_id else None
    return load_policy_text(version.document).class_names if version else ()


def _page(problem: str | None = None, status: int = 200):
    chosen = chosen_modes(g.shop)
    rows = [{"name": name, "mode": replacement_mode(name, chosen)} for name in _classes()]
    return render_template("replacements.html", rows=rows, modes=MODES, problem=problem), status


@blueprint.get("/")
@shop_required
def show():
    """Each item class with what happens to an approved replacement of it."""
    return _page()


@blueprint.post("/")
@shop_required
def save():
    """Save the choice for each item class."""
    try:
        set_modes(g.shop, request.form, _classes())
    except ValueError as exc:
        return _page(str(exc), 422)
    g.db.commit()
    flash("Saved: approved replacements follow these choices from now on.", "success")
    return redirect(url_for("replacements.show"), 303)
