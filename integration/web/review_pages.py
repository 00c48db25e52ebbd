"""The review queue (approve or deny what the policy left to the merchant) and inspections of returned items."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from integration.api.uploads import file_response

from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.domain.vocabulary import CONDITIONS
from integration.requests.evidence import fetch_file, list_files, with_stored_evidence
from integration.requests.decide import RequestError
from integration.merchant.edit_words import EditNamer
from integration.merchant.labels import RuleNamer
from integration.merchant.review_queue import (REASON_LABELS, TYPE_LABELS, page_of, parse_filters, parse_page,
                                              split_queue)
from integration.requests.review import (CONFIRMED, approve_offer, awaits_inspection, decide_on_review,
                                         inspect_and_refund, inspection_conditions, inspection_confirmed,
                                         preview_inspection)
from integration.web.activity_pages import commit_and_queue
from integration.web.auth import owned, shop_required

NAV = [("review.queue", "Review")]

blueprint = Blueprint("review", __name__, url_prefix="/app/review", template_folder="templates")


def _queue_page(errors: dict | None = None, status: int = 200):
    filters, filter_errors = parse_filters(request.args)
    number, page_errors = parse_page(request.args)
    split = split_queue(g.db, g.shop, filters)
    page = page_of(split.for_you, number, next(iter(errors), None) if errors else None)
    # the evidence as the policy counted it: the request's counts and the files stored for it
    waiting = [(row, with_stored_evidence(g.db, row.case).get("evidence") or {}, list_files(g.db, row.case))
               for row in page.rows]
    offers = {row.case.id: approve_offer(g.db, g.shop, row.case) for row, _, _ in waiting}   # the approve form's
    return render_template("review_queue.html", waiting=waiting, queue=split, filters=filters, page=page,
                           filter_errors=filter_errors + page_errors, page_url=_page_url, types=TYPE_LABELS,
                           reasons=REASON_LABELS,
                           errors=errors or {}, form=request.form, offers=offers,
                           rule_words=RuleNamer(g.db, g.shop), edit_words=EditNamer(g.db, g.shop)), status


def _page_url(number: int) -> str:
    """This page's URL, filters kept, at another page of the requests waiting for a decision."""
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return url_for("review.queue", **args, **({"page": number} if number > 1 else {})) + "#decisions"


@blueprint.get("/")
@shop_required
def queue():
    """Requests waiting for the merchant (review, inspection) and for the customer (evidence), oldest first;
    filtered by the query's type, reason, older_than (days) and q (order number); `page` pages the decisions."""
    return _queue_page()


@blueprint.get("/<int:case_id>/evidence/<int:file_id>")
@shop_required
def evidence_file(case_id: int, file_id: int):
    """A photo or video the customer sent, shown in the page (only to the shop that owns the request)."""
    case = owned(ReturnCase, case_id)
    stored = fetch_file(g.db, g.shop.id, case.id, file_id)
    if stored is None:
        abort(404)
    return file_response(stored, inline=True)


@blueprint.post("/<int:case_id>/decide")
@shop_required
def decide(case_id: int):
    """Approve (with the resolution or partial refund chosen) or deny a waiting request with a reason and the
    reviewer's name; its actions are queued."""
    case = owned(ReturnCase, case_id)
    form = request.form
    try:
        decision = decide_on_review(g.db, g.shop, case, form.get("decision", ""), form.get("reason", ""),
                                    form.get("reviewer", ""), form.get("resolution", ""), form.get("amount", ""))
    except RequestError as exc:
        g.db.rollback()
        return _queue_page({case_id: exc.errors}, exc.status)
    commit_and_queue()
    flash(f"Request {case_id} {decision.outcome}: {len(decision.actions)} action(s) queued.", "success")
    return redirect(url_for("review.queue"), 303)


def _inspection_page(case: ReturnCase, conditions: dict, errors: list[str], status: int = 200,
                     confirmed: bool | None = None):
    waiting = awaits_inspection(case)
    preview = (preview_inspection(g.db, g.shop, case, conditions, confirmed)
               if waiting and conditions and not errors else None)
    return render_template("review_inspection.html", case=case, waiting=waiting, order=g.db.get(Order, case.order_pk),
                           conditions=conditions, conditions_offered=CONDITIONS, preview=preview, errors=errors,
                           rule_words=RuleNamer(g.db, g.shop),
                           inspector=request.values.get("inspector", ""),
                           confirmed=next(word for word, value in CONFIRMED.items() if value is confirmed)), status


@blueprint.get("/<int:case_id>/inspection")
@shop_required
def inspection(case_id: int):
    """The inspection form; with conditions chosen, a preview of the refund (nothing is saved)."""
    case = owned(ReturnCase, case_id)
    if not any(key.startswith("condition-") for key in request.args):
        return _inspection_page(case, {}, [])
    try:
        return _inspection_page(case, inspection_conditions(case, request.args), [], 200,
                                inspection_confirmed(request.args))
    except RequestError as exc:
        return _inspection_page(case, {}, exc.errors, exc.status)


@blueprint.post("/<int:case_id>/inspection")
@shop_required
def inspect(case_id: int):
    """Record the inspected conditions and issue the refund the policy gives; its actions are queued."""
    case = owned(ReturnCase, case_id)
    try:
        conditions, confirmed = inspection_conditions(case, request.form), inspection_confirmed(request.form)
        decision = inspect_and_refund(g.db, g.shop, case, conditions, request.form.get("inspector", ""), confirmed,
                                      request.form.get("notes"))
    except RequestError as exc:
        g.db.rollback()
        return _inspection_page(g.db.get(ReturnCase, case_id), {}, exc.errors, exc.status)
    refund = decision.document["refund"]
    planned = any(action.kind == "refund" for action in decision.actions)
    commit_and_queue()
    flash(f"Inspection recorded: refund {refund['total']} {refund['currency']}"
          + ("." if planned else " (already released when the parcel arrived)."), "success")
    return redirect(url_for("activity.order", order_pk=case.order_pk), 303)
