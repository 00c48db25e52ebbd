"""The decision API: decide cases and check policies over HTTP, with the CLI's validation and errors.

Anyone may decide or check with a preset, rate limited per client address. A policy of one's own (YAML text or a
document) needs a shop's API key (Authorization: Bearer), and is then rate limited per shop. Every document is held
to the limits of integration/policy/bounds.py before any work, and the coverage analysis to those of
integration/policy/check.py; the presets are compiled and analysed once per process.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from flask import Blueprint, current_app, g, jsonify, request

from integration.api.callers import bearer_shop, sent_key
from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.contract.errors import did_you_mean
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.engine import decide
from integration.policy.loader import load_policy_file, load_policy_text, parse_policy, preset_names
from integration.web.limits import limiter

api = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)
ANONYMOUS_LIMITS = {"decide": "60 per minute;600 per hour", "check": "10 per minute;100 per hour"}
KEYED_LIMITS = {"decide": "600 per minute", "check": "30 per minute;300 per hour"}
MAX_CASES, MAX_LINES = 100, 1_000   # per call; deciding a case grows faster than its line items
_PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class Refused(Exception):
    """A call refused before any work: `errors` are 'field: message' lines, `status` the HTTP status."""

    def __init__(self, errors: list[str], status: int):
        super().__init__(errors[0])
        self.errors, self.status = errors, status


def _error(status: int, errors: list[str]):
    return jsonify(errors=[_split(e) for e in errors]), status


def _split(line: str) -> dict:
    field, _, message = line.partition(": ")
    return {"field": field, "message": message} if message else {"field": None, "message": line}


def _caller() -> int | None:
    """The id of the shop whose API key this request sends, or None; looked up once per request."""
    if "api_caller" not in g:
        with current_app.extensions["returnkit"].runtime.sessions() as session:
            shop = bearer_shop(session)
            g.api_caller = shop.id if shop is not None else None
    return g.api_caller


def _limit_key() -> str:
    return f"shop:{caller}" if (caller := _caller()) else f"address:{request.remote_addr}"


def _limits(kind: str):
    return lambda: (KEYED_LIMITS if _caller() else ANONYMOUS_LIMITS)[kind]


@api.before_request
def _known_key_only():
    """A key of no shop is refused rather than taken as no key: the caller meant to send one."""
    if sent_key() and _caller() is None:
        return _error(401, ["authorization: this API key belongs to no shop; send the shop's current key, or none "
                            "to decide with a preset"])
    return None


@api.errorhandler(429)
def _too_many(exc):
    response, status = _error(429, [f"(request): too many calls ({exc.description}); wait and try again, or send a "
                                    "shop's API key for the shop's own, larger allowance"])
    return response, status


@lru_cache(maxsize=None)
def _preset(name: str):
    return load_policy_file(name)


@lru_cache(maxsize=None)
def _preset_report(name: str):
    return analyse(_preset(name))


def _own_policy(spec):
    """A policy document or its YAML text, for a caller with a shop's key."""
    if _caller() is None:
        raise Refused(["authorization: a policy of your own needs a shop's API key (Authorization: Bearer <key>); "
                       f"name a preset ({', '.join(preset_names())}), or check it with `returnkit policy check "
                       "FILE`"], 401)
    if isinstance(spec, dict):
        return parse_policy(spec)
    try:
        return load_policy_text(spec)
    except InvalidPolicy as exc:
        raise InvalidPolicy([e if not e.startswith("line ") else f"policy: {e}" for e in exc.errors]) from None


def _policy_from(body: dict):
    """The policy a request names: a preset name, or (with a shop's key) a document or its YAML text."""
    spec = body.get("policy")
    if isinstance(spec, str) and spec in preset_names():
        return _preset(spec)
    if isinstance(spec, str) and _PRESET_NAME.fullmatch(spec):
        raise InvalidPolicy([f"policy: {spec!r} is not a preset{did_you_mean(spec, preset_names())} (the presets: "
                             f"{', '.join(preset_names())})"])
    if not isinstance(spec, (str, dict)):
        raise InvalidPolicy(["policy: is required: a preset name, or with a shop's API key a policy document or its "
                             "YAML text"])
    return _own_policy(spec)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidCase(["(body): send a JSON object with Content-Type: application/json"])
    return body


def _cases(body: dict) -> list:
    """The raw cases of a call, within MAX_CASES cases and MAX_LINES line items."""
    cases = body["cases"] if isinstance(body.get("cases"), list) else [body.get("case")]
    if len(cases) > MAX_CASES:
        raise Refused([f"cases: {len(cases)} cases; send at most {MAX_CASES} per call"], 422)
    orders = [c.get("order") if isinstance(c, dict) else None for c in cases]
    lines = sum(len(o["line_items"]) for o in orders if isinstance(o, dict) and isinstance(o.get("line_items"), list))
    if lines > MAX_LINES:
        raise Refused([f"cases: {lines:,} line items in this call; send at most {MAX_LINES:,} (split the cases "
                       "across calls)"], 422)
    return cases


def _refusal(exc: Exception, invalid_case_status: int):
    """The answer to a refused call, logged by its fields only (a document's text may hold anything)."""
    status = exc.status if isinstance(exc, Refused) else 400 if isinstance(exc, InvalidPolicy) else invalid_case_status
    log.info("api.refused: %s %s (%s)", request.endpoint, status, ", ".join(e.split(": ")[0] for e in exc.errors[:3]))
    return _error(status, exc.errors)


@api.get("/policies")
def list_policies():
    """The shipped presets."""
    return {"presets": preset_names()}


@api.post("/decide")
@limiter.limit(_limits("decide"), key_func=_limit_key)
def decide_cases():
    """Decide one case (`case`) or several (`cases`) with a policy."""
    try:
        body = _json_body()
        cases = _cases(body)
        policy = _policy_from(body)
        if isinstance(body.get("cases"), list):
            return {"decisions": [decision_json(decide(policy, load_case(c))) for c in cases]}
        return decision_json(decide(policy, load_case(cases[0])))
    except (InvalidCase, InvalidPolicy, Refused) as exc:
        return _refusal(exc, 422)


@api.post("/policies/check")
@limiter.limit(_limits("check"), key_func=_limit_key)
def check_policy():
    """Validate a policy and report rules that never fire, uncovered requests, and what was not analysed."""
    try:
        body = _json_body()
        policy = _policy_from(body)
    except (InvalidCase, InvalidPolicy, Refused) as exc:
        return _refusal(exc, 400)
    named = body["policy"] if isinstance(body["policy"], str) and body["policy"] in preset_names() else None
    report = _preset_report(named) if named else analyse(policy)
    return {"valid": True, "policy": policy.id, "never_fire": report.never_fire, "uncovered": report.uncovered,
            "uncovered_total": report.uncovered_total, "not_analysed": report.not_analysed,
            "unasked_evidence": report.unasked_evidence, "fee_findings": report.fee_findings,
            "warnings": report.warnings, "stale_clauses": report.stale_clauses}
