"""Try it: decide a request on a real order (or a typed case) with the current policy or the draft, and
replay the draft against the shop's past requests. Nothing is recorded and no action is planned."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, g, render_template, request

from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.domain import vocabulary as vocab
from integration.merchant import policy_editor as editor
from integration.merchant.labels import RuleNamer, rule_words
from integration.merchant.replay import replay
from integration.merchant.review_queue import REASON_LABELS, TYPE_LABELS
from integration.requests.decide import policy_for
from integration.merchant.simulator import (SimulationError, request_from_form, shop_orders, simulate,
                                            stored_order_case, typed_case)
from integration.web.auth import owned, shop_required

NAV = [("simulate.try_it", "Try it")]

blueprint = Blueprint("simulate", __name__, url_prefix="/app/try", template_folder="templates")

# An edit request needs its details (request.edit), which only the customer page and the API take.
VOCAB = {"types": tuple(t for t in vocab.REQUEST_TYPES if t != "edit"), "reasons": vocab.REASONS,
         "conditions": vocab.CONDITIONS, "preferred": vocab.PREFERRED_RESOLUTIONS}
LABELS = {"types": TYPE_LABELS, "reasons": REASON_LABELS}


def _chosen_policy(which: str):
    """(the policy, its label, errors): the shop's current version, or its draft when asked and it compiles."""
    if which == "draft" and (text := editor.draft_text(g.shop)) is not None:
        policy, errors = editor.check_text(text)
        return policy, "your draft", [str(e) for e in errors]
    version, policy = policy_for(g.db, g.shop)
    return policy, f"version {version.version} (current)", []


def _order_pk(raw) -> Order:
    if not str(raw or "").isdigit():
        abort(404)
    return owned(Order, int(raw))


def _lines(order: Order | None, case: dict | None) -> list[dict]:
    if order is not None:
        return [{"id": li.line_id, "title": li.title, "quantity": li.quantity} for li in order.lines]
    return [{"id": str(li.get("id")), "title": li.get("title", ""), "quantity": li.get("quantity")}
            for li in (case or {}).get("order", {}).get("line_items", []) if isinstance(li, dict)]


def _local(iso: str | None, zone) -> str:
    """A stored ISO time as the value of a datetime-local field in the policy's zone."""
    try:
        return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%dT%H:%M") if iso else ""
    except (TypeError, ValueError):
        return ""


def _values_from_request(stored: dict, zone) -> dict:
    """The simulator's fields prefilled from a stored request."""
    values = {"type": stored.get("type"), "reason": stored.get("reason", ""),
              "preferred_resolution": stored.get("preferred_resolution", ""),
              "submitted_at": _local(stored.get("submitted_at"), zone), "inspected": stored.get("inspected")}
    evidence = stored.get("evidence") or {}
    values.update(photos=evidence.get("photos", 0), videos=evidence.get("videos", 0),
                  description=evidence.get("description"))
    for item in stored.get("items") or []:
        values[f"qty.{item['line_item_id']}"] = item.get("quantity")
        values[f"condition.{item['line_item_id']}"] = item.get("condition", "")
    return values


def _page(status=200, **context):
    context.setdefault("values", {})
    context.setdefault("errors", [])
    context.setdefault("which", "draft" if editor.draft_text(g.shop) is not None else "current")
    line_titles = {line["id"]: line["title"] for line in context.get("lines") or []}
    return render_template("policy_try.html", orders=shop_orders(g.db, g.shop), vocab=VOCAB, labels=LABELS,
                           line_titles=line_titles, has_draft=editor.draft_text(g.shop) is not None, **context), status


@blueprint.get("/")
@shop_required
def try_it():
    """Choose an order (or paste a case), then the request; prefilled from a past request with ?case=."""
    zone = policy_for(g.db, g.shop)[1].timezone
    if request.args.get("case"):
        past = owned(ReturnCase, int(request.args["case"])) if request.args["case"].isdigit() else abort(404)
        order = owned(Order, past.order_pk)
        return _page(order=order, lines=_lines(order, None), values=_values_from_request(past.request, zone),
                     from_case=past.id)
    order = _order_pk(request.args["order"]) if request.args.get("order") else None
    return _page(order=order, lines=_lines(order, None) if order else [], values={})


@blueprint.post("/")
@shop_required
def decide_it():
    """Decide the request with the chosen policy and show the decision; nothing is saved."""
    order = _order_pk(request.form["order"]) if request.form.get("order") else None
    case_text = request.form.get("case_json", "")
    context = {"order": order, "values": request.form, "case_json": case_text, "which": request.form.get("policy")}
    try:
        typed = typed_case(case_text) if order is None else None
        context["lines"] = _lines(order, typed)
        if request.form.get("action") == "load":
            if typed and isinstance(typed.get("request"), dict):   # the pasted request fills the form
                context["values"] = _values_from_request(typed["request"], policy_for(g.db, g.shop)[1].timezone)
            return _page(**context)
        policy, label, problems = _chosen_policy(request.form.get("policy", "current"))
        if policy is None:
            return _page(422, errors=[f"policy: your draft has errors; fix them in the editor ({problems[0]})"], **context)
        built = request_from_form(request.form, [li["id"] for li in context["lines"]], policy.timezone)
        case = stored_order_case(g.db, g.shop, order, built) if order else {**typed, "request": built}
        result = simulate(policy, case)
    except SimulationError as exc:
        return _page(422, errors=exc.errors, **context)
    return _page(result=result, policy_label=label, case_sent=json.dumps(case, indent=2),
                 decision_sent=json.dumps(result.decision, indent=2), **context)


@blueprint.get("/replay")
@shop_required
def replay_draft():
    """Decide the shop's past requests again with the draft, and show what would change."""
    text = editor.draft_text(g.shop)
    if text is None:
        return render_template("policy_replay.html", outcome=None, errors=[]), 200
    policy, errors = editor.check_text(text)
    if policy is None:
        return render_template("policy_replay.html", outcome=None, errors=[str(e) for e in errors]), 422
    return render_template("policy_replay.html", outcome=replay(g.db, g.shop, policy), errors=[],
                           before_words=RuleNamer(g.db, g.shop), after_words=lambda rule_id: rule_words(policy, rule_id),
                           type_labels=TYPE_LABELS, reason_labels=REASON_LABELS)
