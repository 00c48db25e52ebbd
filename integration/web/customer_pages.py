"""The customer's request page, one per shop at /r/<shop>: find the order with its number and email,
pick items and a reason, and see the decision and what happens next at once."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from marshmallow import ValidationError

from integration.api.uploads import form_files, multipart_limit
from integration.db.base import utcnow
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.db.unit_of_work import unit_of_work
from integration.requests.evidence import EvidenceError
from integration.requests.evidence_kinds import accepted_words, shop_kinds
from integration.requests.customer_access import customer_order, public_slug, shop_by_slug
from integration.requests.next_steps import next_steps
from integration.requests.tracking import parcel_progress
from integration.requests.decide import RequestError, add_evidence, find_case, submit_request
from integration.requests.exchange_stock import platform_stock, platform_stocks, with_exchange_stock
from integration.requests.customer_words import customer_date, customer_words
from integration.shops.current_policy import policy_for
from integration.web import customer_public
from integration.web.auth import accepts_uploads
from integration.web.customer_forms import REASON_LABELS, TYPE_LABELS, request_from_form
from integration.web.customer_edit_form import EDIT_FORM, offered_types
from integration.web.customer_exchange import exchange_choices
from integration.web.customer_i18n import locale_name, shop_language
from integration.web.customer_limits import TooManyTries, count_try, proof_failed
from integration.web.customer_order import earlier_requests, returnable_units
from integration.web.limits import limiter

blueprint = Blueprint("customer", __name__, url_prefix="/r")
# Pages of a proven order, per order and client address; sends, per order from every address too. The lookup
# (the proof itself) is counted by integration/web/customer_limits.py.
READ_LIMIT, SUBMIT_LIMIT, SUBMIT_PER_ORDER = "60 per minute;600 per hour", "5 per minute;30 per hour", "60 per hour"


def _proven_key() -> str:
    """The canonical shop and order this browser proved (not the slug as typed), and the client address."""
    held = session.get("customer") or {}
    return f"{held.get('shop')}|{held.get('order')}|{request.remote_addr}"


def _proven_order_key() -> str:
    held = session.get("customer") or {}
    return f"{held['shop']}|{held['order']}" if held.get("order") else f"unproven|{request.remote_addr}"


def _limited(view):
    """A send on a proven order: per order and address, and per order from every address."""
    view = limiter.limit(SUBMIT_PER_ORDER, key_func=_proven_order_key)(view)
    return limiter.limit(SUBMIT_LIMIT, key_func=_proven_key)(view)


def _shop_or_404(db, slug: str):
    shop = shop_by_slug(db, slug)
    if shop is None:
        abort(404)
    shop_language(shop)
    return shop


def _zone(db, shop):
    """The shop's time zone, as its policy says: every date the customer reads is in it."""
    return policy_for(db, shop)[1].timezone


def _session_order(db, shop) -> Order:
    """The order this browser proved to be its own, for this shop; otherwise back to the lookup form."""
    held = session.get("customer") or {}
    order = db.get(Order, held.get("order")) if held.get("shop") == shop.id else None
    if order is None or order.shop_id != shop.id:
        if request.method == "GET":   # a kept request page opened in a new browser: shown again once proven
            session["customer_then"] = request.path
        abort(redirect(url_for("customer.lookup", slug=public_slug(shop))))
    return order


def _runtime():
    return current_app.extensions["returnkit"]


def _upload_limit() -> int:
    return multipart_limit(_runtime().runtime.settings.evidence)


def _files(db, shop):
    """The photos, videos and the shop's own evidence sent with the form, validated (EvidenceError names the field)."""
    return form_files(_runtime().runtime.settings.evidence, shop_kinds(db, shop))


def _own_evidence(db, shop) -> list:
    """(kind, the file types it takes in words) for each of the shop's own kinds its policy can ask for."""
    return [(kind, "" if kind.text else accepted_words(kind)) for kind in shop_kinds(db, shop)]


def _evidence_errors(exc: EvidenceError) -> dict:
    field = exc.errors[0].split(":", 1)[0].split("[", 1)[0]   # photos, videos or one of the shop's kind ids
    return {field if field.isidentifier() else "photos": "; ".join(e.split(": ", 1)[-1] for e in exc.errors)}


@blueprint.get("/<slug>")
def lookup(slug: str):
    """The start: order number and email."""
    with _runtime().runtime.sessions() as db:
        shop = _shop_or_404(db, slug)
        coming_back = bool(session.get("customer_then"))
        return render_template("customer_lookup.html", shop=shop, error=None, number="", coming_back=coming_back,
                               **customer_public.page_context(shop, slug))


@blueprint.post("/<slug>")
def find_order(slug: str):
    """Check the number and email; the browser may then ask about that order only."""
    number, email = request.form.get("order_number", ""), request.form.get("email", "")
    with _runtime().runtime.sessions() as db:
        shop = _shop_or_404(db, slug)
        try:
            count_try(shop.id, number)
        except TooManyTries as exc:
            return _too_many_tries(shop, slug, number, exc)
        order = customer_order(db, shop, number, email)
        if order is None:
            proof_failed(shop.id, number)
            error = gettext("We could not find an order with this number and email. Check both, as they appear on "
                            "your order confirmation.")
            return render_template("customer_lookup.html", shop=shop, error=error, number=number,
                                   **customer_public.page_context(shop, slug)), 404
        session["customer"] = {"shop": shop.id, "order": order.id}
        then = session.pop("customer_then", "")
        if then.startswith(f"/r/{slug}/requests/"):   # only a request page of this shop: never elsewhere
            return redirect(then)
        return redirect(url_for("customer.new_request", slug=slug))


def _too_many_tries(shop, slug: str, number: str, exc: TooManyTries):
    minutes = max(1, round(exc.retry_after / 60))
    error = ngettext("Too many tries for this order. Please try again in %(num)d minute, or contact the shop.",
                     "Too many tries for this order. Please try again in %(num)d minutes, or contact the shop.", minutes)
    page = render_template("customer_lookup.html", shop=shop, error=error, number=number,
                           **customer_public.page_context(shop, slug))
    return page, 429, {"Retry-After": str(exc.retry_after)}


def _stock(shop):
    """The platform's stock answers, for the exchange picker (one question for all its choices)."""
    rt = _runtime().runtime
    return platform_stocks(shop, rt.sessions, rt.settings)


def _form_page(db, shop, slug, order, errors=None, status=200):
    earlier = earlier_requests(db, order, _zone(db, shop), locale_name(), gettext)
    return render_template("customer_request.html", shop=shop, order=order, errors=errors or {},
                           returnable=returnable_units(db, order), earlier=earlier,
                           **customer_public.page_context(shop, slug),
                           form=request.form, reasons=REASON_LABELS, types=offered_types(db, shop, TYPE_LABELS),
                           edit_form=EDIT_FORM,
                           exchanges=exchange_choices(db, shop, order, _stock(shop)), nonce=secrets.token_urlsafe(16),
                           own_evidence=_own_evidence(db, shop)), status


@blueprint.get("/<slug>/new")
@limiter.limit(READ_LIMIT, key_func=_proven_key)
def new_request(slug: str):
    """The request form for the customer's order."""
    with _runtime().runtime.sessions() as db:
        shop = _shop_or_404(db, slug)
        return _form_page(db, shop, slug, _session_order(db, shop))


@blueprint.post("/<slug>/new")
@accepts_uploads(_upload_limit)
@_limited
def submit(slug: str):
    """Decide the request now and show the answer; a double-submitted form gives the first request."""
    ctx = _runtime()
    try:
        with unit_of_work(ctx.runtime.sessions, ctx.enqueue_action) as db:
            shop = _shop_or_404(db, slug)
            order = _session_order(db, shop)
            # Scoped to the proven order: a form's nonce names a request of that order only.
            ref = f"page:{order.id}:{request.form.get('nonce', '')[:40] or secrets.token_urlsafe(16)}"
            first = find_case(db, shop, "api", ref)   # sent twice: the first, before its units count as held
            case_id = first.id if first is not None else _decide_new(ctx, db, shop, order, ref)
    except ValidationError as exc:
        return _invalid(slug, {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in exc.messages.items()})
    except RequestError as exc:
        return _invalid(slug, {"request": "; ".join(exc.errors)})
    except EvidenceError as exc:
        return _invalid(slug, _evidence_errors(exc), exc.status)
    return redirect(url_for("customer.show_request", slug=slug, case_id=case_id))


def _decide_new(ctx, db, shop, order, ref: str) -> int:
    """Validate the form against the units still returnable, decide the request and return its id."""
    contract_request, description = request_from_form(request.form, returnable_units(db, order),
                                                      utcnow().isoformat(), exchange_choices(db, shop, order))
    files = _files(db, shop)
    stock = platform_stock(shop, ctx.runtime.sessions, ctx.runtime.settings)
    case, _decision = submit_request(db, shop, order, with_exchange_stock(contract_request, stock), "api", ref, files,
                                     locale=locale_name())   # the page's language: the customer's emails use it
    case.description = case.description or description
    return case.id


def _invalid(slug: str, errors: dict, status: int = 422):
    with _runtime().runtime.sessions() as db:
        shop = _shop_or_404(db, slug)
        return _form_page(db, shop, slug, _session_order(db, shop), errors, status)


def _session_case(db, slug: str, case_id: int):
    shop = _shop_or_404(db, slug)
    order = _session_order(db, shop)
    case = db.get(ReturnCase, case_id)
    if case is None or case.shop_id != shop.id or case.order_pk != order.id:
        abort(404)
    return shop, order, case


def _decision_page(db, slug: str, case_id: int, errors=None, status=200):
    shop, order, case = _session_case(db, slug, case_id)
    decision = case.decisions[-1]
    zone, locale = _zone(db, shop), locale_name()
    steps = next_steps(shop, order, case, decision, gettext, locale)
    words = customer_words(shop, decision, steps["steps"], zone, locale, gettext)
    return render_template("customer_decision.html", shop=shop, order=order, case=case, errors=errors or {},
                           decision=decision.document, steps=steps, words=words,
                           when=lambda at: customer_date(at, zone, locale),
                           **customer_public.page_context(shop, slug),
                           parcel=parcel_progress(db, case), own_evidence=_own_evidence(db, shop)), status


@blueprint.get("/<slug>/requests/<int:case_id>")
@limiter.limit(READ_LIMIT, key_func=_proven_key)
def show_request(slug: str, case_id: int):
    """The decision in plain words, and what happens next (label, instructions, deadline)."""
    with _runtime().runtime.sessions() as db:
        return _decision_page(db, slug, case_id)


@blueprint.post("/<slug>/requests/<int:case_id>/evidence")
@accepts_uploads(_upload_limit)
@_limited
def send_evidence(slug: str, case_id: int):
    """More photos, a video or words for a request that needs them: it is decided again at once."""
    ctx = _runtime()
    try:
        with unit_of_work(ctx.runtime.sessions, ctx.enqueue_action) as db:
            shop, _order, case = _session_case(db, slug, case_id)
            files, words = _files(db, shop), request.form.get("description", "").strip()[:4000]
            if not files and not words:
                raise EvidenceError(["photos: attach photos or a video, or write what happened"], 422)
            if words:
                case.description = f"{case.description}\n\n{words}" if case.description else words
            add_evidence(db, shop, case, {"description": bool(words)}, files)
    except EvidenceError as exc:
        with ctx.runtime.sessions() as db:
            return _decision_page(db, slug, case_id, _evidence_errors(exc), exc.status)
    return redirect(url_for("customer.show_request", slug=slug, case_id=case_id))


customer_public.register(blueprint, _runtime, _shop_or_404)
