"""The Policy pages: start from a preset, the common settings in a form, the full YAML editor,
versions with diffs, and the published text. Editing changes only the shop's draft; saving makes a
new policy version."""
from __future__ import annotations

import logging
from functools import lru_cache

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from integration.db.models import PolicyVersion
from integration.policy.loader import load_policy_text, preset_names, resolve_policy_path
from integration.merchant import policy_editor as editor
from integration.merchant.policy_form import (FormErrors, apply_form, form_groups, group_errors, read_form,
                                             stale_clause_warnings)
from integration.merchant.policy_text import published_sections, to_markdown, window_words
from integration.shops.core import set_policy
from integration.web.auth import owned, shop_required

NAV = [("policy.overview", "Policy")]
log = logging.getLogger(__name__)
MAX_DOCUMENT_CHARS = 200_000    # the presets are ~15 000; a bound on what one request makes us parse

blueprint = Blueprint("policy", __name__, url_prefix="/app/policy", template_folder="templates")


@lru_cache(maxsize=16)
def _preset(name: str) -> tuple[str, object]:
    text = resolve_policy_path(name).read_text(encoding="utf-8")
    return text, load_policy_text(text)


def preset_summary(policy) -> str:
    """A preset in one line: its time limits and how many rules it has."""
    limits = "; ".join(f"{w.name.replace('_', ' ')}: {window_words(w)}" for w in policy.windows.values())
    return f"{limits or 'no time limits'} · {len(policy.rules)} rule{'' if len(policy.rules) == 1 else 's'}"


def _publish(text: str, origin: str):
    """Save text as the shop's next version, forget the draft, and go to the version list."""
    version = set_policy(g.db, g.shop, text)
    editor.discard_draft(g.shop)
    g.db.commit()
    log.info("policy.version-saved: shop %s version %s (%s)", g.shop.id, version.version, origin)
    flash(f"Saved as version {version.version} ({origin}); new requests are decided with it.", "success")
    return redirect(url_for("policy.versions"))


def _keep(text: str, origin: str, message: str):
    editor.keep_draft(g.shop, text, origin)
    g.db.commit()
    flash(message, "success")


@blueprint.get("/")
@shop_required
def overview():
    """The current version, the draft if there is one, and where to go next."""
    current = editor.current_version(g.db, g.shop)
    draft = editor.draft_text(g.shop)
    problems = editor.check_text(draft)[1] if draft is not None else []
    return render_template("policy_overview.html", current=current, draft=draft, problems=problems,
                           origin=editor.draft_origin(g.shop))


@blueprint.get("/presets")
@shop_required
def presets():
    """The shipped presets and the blank policy, each with its name and a summary."""
    rows = [{"key": name, "description": _preset(name)[1].document.get("description") or _preset(name)[1].name,
             "summary": preset_summary(_preset(name)[1])} for name in preset_names()]
    return render_template("policy_presets.html", presets=rows)


@blueprint.post("/presets/<name>")
@shop_required
def choose_preset(name: str):
    """Open a preset in the editor as the shop's draft (nothing is published)."""
    if name not in preset_names():
        abort(404)
    _keep(_preset(name)[0], f"preset {name}", f"The {name} preset is now your draft. Nothing is published "
                                               "until you save it.")
    return redirect(url_for("policy.edit_yaml"))


@blueprint.post("/draft/discard")
@shop_required
def discard():
    """Forget the draft; the current version stays as it is."""
    editor.discard_draft(g.shop)
    g.db.commit()
    flash("Draft discarded.", "success")
    return redirect(url_for("policy.overview"))


def _render_form(text: str, errors: dict, status: int = 200):
    try:
        rows = read_form(text)
    except FormErrors as exc:
        return render_template("policy_form.html", rows=None, problems=exc.errors["(document)"], errors={}), 422
    by_group, rest = group_errors(errors, form_groups(rows))
    return render_template("policy_form.html", rows=rows, errors=by_group, problems=rest,
                           posted=request.form if request.method == "POST" else None), status


@blueprint.get("/form")
@shop_required
def edit_form():
    """The common settings as a form, read from the draft (or the current version)."""
    return _render_form(editor.working_text(g.db, g.shop)[0], {})


@blueprint.post("/form")
@shop_required
def save_form():
    """Write the form's settings into the document; keep it as the draft or save a new version."""
    text = editor.working_text(g.db, g.shop)[0]
    try:
        updated = apply_form(text, request.form)
    except FormErrors as exc:
        return _render_form(text, exc.errors, 422)
    for warning in stale_clause_warnings(updated):   # shown, but the save goes through
        flash(f"Check your clause: {warning}", "warning")
    if request.form.get("action") == "save":
        return _publish(updated, "from the settings form")
    _keep(updated, "settings form", "Kept as your draft. Try it, or save it as a new version.")
    return redirect(url_for("policy.edit_form"))


@blueprint.get("/editor")
@shop_required
def edit_yaml():
    """The full YAML, with every error on the line it belongs to."""
    text, is_draft = editor.working_text(g.db, g.shop)
    return render_template("policy_editor.html", text=text, is_draft=is_draft, errors=editor.check_text(text)[1])


@blueprint.post("/editor")
@shop_required
def save_yaml():
    """Check the YAML; keep it as the draft, or save it as a new version when it is valid."""
    text = request.form.get("document", "").replace("\r\n", "\n")
    if len(text) > MAX_DOCUMENT_CHARS:
        abort(413, description=f"document: a policy is at most {MAX_DOCUMENT_CHARS} characters; shorten it")
    _policy, errors = editor.check_text(text)
    if request.form.get("action") == "save" and not errors:
        return _publish(text, "from the YAML editor")
    if request.form.get("action") in ("save", "draft"):
        editor.keep_draft(g.shop, text, "YAML editor")
        g.db.commit()
    if errors:
        return render_template("policy_editor.html", text=text, is_draft=True, errors=errors), 422
    flash("Valid. Kept as your draft: try it, or save it as a new version.", "success")
    return redirect(url_for("policy.edit_yaml"))


@blueprint.get("/versions")
@shop_required
def versions():
    """Every saved version, newest first."""
    return render_template("policy_versions.html", versions=editor.versions(g.db, g.shop),
                           current_id=g.shop.policy_version_id)


@blueprint.get("/versions/<int:version_id>")
@shop_required
def version(version_id: int):
    """One past version and its diff against the current one."""
    shown = owned(PolicyVersion, version_id)
    current = editor.current_version(g.db, g.shop)
    diff = editor.diff_lines(shown.document, current.document, f"version {shown.version}",
                             f"version {current.version} (current)")
    return render_template("policy_version.html", shown=shown, current=current, diff=diff)


@blueprint.post("/versions/<int:version_id>/draft")
@shop_required
def version_as_draft(version_id: int):
    """Open a past version in the editor as the draft (to restore it, save it)."""
    shown = owned(PolicyVersion, version_id)
    _keep(shown.document, f"version {shown.version}", f"Version {shown.version} is now your draft.")
    return redirect(url_for("policy.edit_yaml"))


@blueprint.get("/text")
@shop_required
def published_text():
    """The customer-facing policy, written from the current version (or the draft), to copy."""
    use_draft = request.args.get("draft") == "1" and editor.draft_text(g.shop) is not None
    text = editor.draft_text(g.shop) if use_draft else editor.current_version(g.db, g.shop).document
    policy, errors = editor.check_text(text)
    if policy is None:
        return render_template("policy_text.html", policy=None, errors=errors, use_draft=use_draft), 422
    sections = published_sections(policy)
    return render_template("policy_text.html", policy=policy, sections=sections, use_draft=use_draft,
                           markdown=to_markdown(policy, sections), errors=[])
