"""POST /api/v1/requests and GET /api/v1/requests/<id>: requests the platforms do not carry natively.

Authenticated as the shop (Authorization: Bearer <API key>) or as the customer (the order number and
the email on that order, counted by integration/web/customer_limits.py). Either way a caller only ever sees its
own shop's data, and an Idempotency-Key is the caller's own: the shop's, or the customer's on their order.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from integration.api.callers import bearer_shop
from integration.api.idempotency import request_key
from integration.api.uploads import evidence_form, file_response, is_multipart, multipart_limit, request_form
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.db.unit_of_work import unit_of_work
from integration.requests.customer_access import customer_order
from integration.requests.evidence import MIB, EvidenceError, fetch_file
from integration.requests.evidence_kinds import json_answers, shop_kinds
from integration.requests.decide import RequestError, add_evidence, case_json, record_inspection, submit_request
from integration.requests.exchange_stock import platform_stock, with_exchange_stock
from integration.requests.review import api_confirmed, with_confirmed
from integration.shops.core import ShopError, find_shop
from integration.web.customer_limits import TooManyTries, count_try, proof_failed

requests_api = Blueprint("requests_api", __name__, url_prefix="/api/v1/requests")
BAD_INPUT = (RequestError, EvidenceError)
MAX_COUNT = 1000  # photos or videos counted in one /evidence call


def _error(status: int, errors: list[str]):
    return jsonify(errors=[dict(zip(("field", "message"), e.split(": ", 1))) if ": " in e else
                           {"field": None, "message": e} for e in errors]), status


def _customer_order(session, shop: Shop, body: dict) -> Order:
    """The order the customer proves with its number and email, counted per address and order; RequestError else."""
    count_try(shop.id, body.get("order_number"))
    order = customer_order(session, shop, str(body.get("order_number") or ""), body.get("email"))
    if order is None:
        proof_failed(shop.id, body.get("order_number"))
        raise RequestError(["email: no order with this number and email; check both"], 401)
    return order


def _authorize(session, body: dict) -> tuple[Shop, Order, str]:
    """The shop and order this caller may act on, and whose keys it uses; raises RequestError (401/404) otherwise."""
    try:
        shop = find_shop(session, str(body.get("shop") or ""))
    except ShopError as exc:
        raise RequestError([str(exc)], 404) from None
    if (caller := bearer_shop(session)) is None:
        order = _customer_order(session, shop, body)
        return shop, order, f"customer:{order.id}"
    if caller.id != shop.id:
        raise RequestError(["authorization: this API key belongs to another shop"], 403)
    order = session.scalar(select(Order).where(Order.shop_id == shop.id, Order.order_id == str(body.get("order_id"))))
    if order is None:
        raise RequestError([f"order_id: {shop.domain} has no order {body.get('order_id')!r}"], 404)
    return shop, order, "shop"


def _limits():
    return current_app.extensions["returnkit"].runtime.settings.evidence


def _payload_kinds(body: dict):
    """The evidence kinds of the shop a multipart payload names (none when it names no shop: refused later)."""
    with current_app.extensions["returnkit"].runtime.sessions() as session:
        try:
            return shop_kinds(session, find_shop(session, str(body.get("shop") or "")))
        except ShopError:
            return ()


@requests_api.errorhandler(RequestEntityTooLarge)
def _body_too_large(_exc):
    json_limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _error(413, [f"(body): too large; a JSON body may be {json_limit / MIB:g} MiB, and a multipart/form-data "
                        f"body with evidence files {multipart_limit(_limits()) / MIB:g} MiB"])


def _decide_and_queue(work, status: int):
    """Run `work(session) -> (case, decision, fresh)` in one unit of work: a fresh decision's actions are queued."""
    ctx = current_app.extensions["returnkit"]
    try:
        with unit_of_work(ctx.runtime.sessions, ctx.enqueue_action) as session:
            case, decision, _fresh = work(session)
            payload = {"request_id": case.id, "decision": decision.document}
    except BAD_INPUT as exc:
        return _error(exc.status, exc.errors)
    except TooManyTries as exc:
        response, status = _error(429, [f"order_number: too many tries for this order; try again in "
                                        f"{exc.retry_after} seconds"])
        return response, status, {"Retry-After": str(exc.retry_after)}
    return jsonify(payload), status


@requests_api.post("")
def create_request():
    """Decide a request now (JSON, or multipart with evidence files); 201 with the request id and the decision."""
    try:
        body, files = request_form(_limits(), _payload_kinds) if is_multipart() else (request.get_json(silent=True), [])
    except EvidenceError as exc:
        return _error(exc.status, exc.errors)
    if not isinstance(body, dict) or not isinstance(body.get("request"), dict):
        return _error(400, ["request: send JSON {shop, order_id | order_number + email, request}"])
    key = request.headers.get("Idempotency-Key")

    def work(session):
        shop, order, caller = _authorize(session, body)
        if caller != "shop" and "reason_confirmed" in body["request"]:   # the merchant's word, not the customer's
            raise RequestError(["request.reason_confirmed: only the merchant's inspection says this; leave it out"])
        evidence = [*files, *json_answers(body, shop_kinds(session, shop))]   # written kinds: keys named by kind id
        taken = request_key(caller, key, order, body["request"], evidence)
        rt = current_app.extensions["returnkit"].runtime
        wanted = with_exchange_stock(body["request"], platform_stock(shop, rt.sessions, rt.settings))
        case, decision = submit_request(session, shop, order, wanted, "api", taken.ref, evidence)
        fresh = case.request_fingerprint is None    # taken now; a repeat's actions were queued the first time
        if not fresh and case.request_fingerprint != taken.fingerprint:
            raise RequestError([f"Idempotency-Key: {key!r} was sent before with another request; send a new key "
                                "for a new request, or the same body to get the first answer again"], 409)
        case.request_fingerprint = taken.fingerprint
        return case, decision, fresh
    try:
        return _decide_and_queue(work, 201)
    except IntegrityError:   # a call with the same key was taken at the same instant: now it is found, as a repeat
        return _decide_and_queue(work, 201)


def _read_owned(case_id: int, render):
    """`render(session, shop, case)` for the shop that owns the request; the error answer otherwise."""
    with current_app.extensions["returnkit"].runtime.sessions() as session:
        try:
            shop, case = _owned_case(session, case_id)
            return render(session, shop, case)
        except RequestError as exc:
            return _error(exc.status, exc.errors)


@requests_api.get("/<int:case_id>")
def show_request(case_id: int):
    """The request, its evidence files, its latest decision and its actions; only for the shop that owns it."""
    return _read_owned(case_id, lambda _session, _shop, case: jsonify(case_json(case)))


@requests_api.get("/<int:case_id>/evidence/<int:file_id>")
def download_evidence(case_id: int, file_id: int):
    """One evidence file's bytes, as an attachment; only for the shop that owns the request."""
    def render(session, shop, case):
        stored = fetch_file(session, shop.id, case.id, file_id)
        if stored is None:
            raise RequestError([f"file_id: request {case_id} has no evidence file {file_id}"], 404)
        return file_response(stored)
    return _read_owned(case_id, render)


def _owned_case(session, case_id: int):
    shop = bearer_shop(session)
    case = session.get(ReturnCase, case_id)
    if shop is None:
        raise RequestError(["authorization: send the shop's API key as a Bearer token"], 401)
    if case is None or case.shop_id != shop.id:
        raise RequestError([f"request_id: no request {case_id}"], 404)
    return shop, case


def _redecide(case_id: int, change, body=None):
    body = request.get_json(silent=True) if body is None else body
    if not isinstance(body, dict):
        return _error(400, ["(body): send a JSON object"])

    def work(session):
        shop, case = _owned_case(session, case_id)
        return case, change(session, shop, case, body), True
    return _decide_and_queue(work, 200)


def _check_counts(body: dict) -> None:
    """photos and videos are whole numbers from 0 to MAX_COUNT, description true or false; RequestError otherwise."""
    for kind in ("photos", "videos"):
        value = body.get(kind, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise RequestError([f"{kind}: send how many, a whole number from 0 to {MAX_COUNT}, not {value!r}"], 422)
    if not isinstance(body.get("description", False), bool):
        raise RequestError([f"description: send true or false, not {body['description']!r}"], 422)


@requests_api.post("/<int:case_id>/evidence")
def post_evidence(case_id: int):
    """Add evidence (JSON {photos, videos, description}, or multipart files and a description); decided again."""
    body, files, kinds = None, [], []
    if is_multipart():
        # The owner is checked before any file is read: a stranger cannot make us read megabytes.
        refused = _read_owned(case_id, lambda session, shop, _case: kinds.extend(shop_kinds(session, shop)))
        if refused is not None:
            return refused
        try:
            body, files = evidence_form(_limits(), kinds)
        except EvidenceError as exc:
            return _error(exc.status, exc.errors)

    def change(session, shop, case, body):
        answers = json_answers(body, shop_kinds(session, shop))   # written kinds as JSON keys
        bad = [k for k in body if k not in ("photos", "videos", "description") and k not in {a.kind for a in answers}]
        if bad:
            raise RequestError([f"{bad[0]}: unknown field; allowed: photos, videos, description and the shop's "
                                "written evidence kinds"], 422)
        _check_counts(body)
        return add_evidence(session, shop, case, body, [*files, *answers])
    return _redecide(case_id, change, body)


@requests_api.post("/<int:case_id>/inspection")
def post_inspection(case_id: int):
    """Record the inspected condition of each returned line ({"items": {line_id: condition}, "by": name,
    "reason_confirmed": true | false | null, whether the claimed reason held, "notes": what the inspector found})."""
    def change(session, shop, case, body):
        items = body.get("items")
        allowed = ("sealed", "unused", "used", "modified", "damaged")
        if not isinstance(items, dict) or any(v not in allowed for v in items.values()):
            raise RequestError([f"items: map each line id to one of: {', '.join(allowed)}"], 422)
        case.request = with_confirmed(case.request, api_confirmed(body))
        notes = body.get("notes")
        if notes is not None and not isinstance(notes, str):
            raise RequestError(["notes: write what the inspection found as text, or leave it out"], 422)
        return record_inspection(session, shop, case, {str(k): v for k, v in items.items()},
                                 str(body.get("by") or "merchant"), notes)
    return _redecide(case_id, change)
