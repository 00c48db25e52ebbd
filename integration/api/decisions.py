"""The decision API: decide cases and check policies over HTTP, with the CLI's validation and errors."""
from __future__ import annotations

import yaml
from flask import Blueprint, jsonify, request

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.engine import decide
from integration.policy.loader import load_policy_file, parse_policy, preset_names

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(status: int, errors: list[str]):
    return jsonify(errors=[_split(e) for e in errors]), status


def _split(line: str) -> dict:
    field, _, message = line.partition(": ")
    return {"field": field, "message": message} if message else {"field": None, "message": line}


def _policy_from(body: dict):
    """The policy a request names: a preset name, a document, or YAML text."""
    spec = body.get("policy")
    if isinstance(spec, str) and spec in preset_names():
        return load_policy_file(spec)
    if isinstance(spec, str):
        try:
            spec = yaml.safe_load(spec)
        except yaml.YAMLError as exc:
            raise InvalidPolicy([f"policy: not valid YAML: {exc}"]) from None
        if not isinstance(spec, dict):
            raise InvalidPolicy([f"policy: {body.get('policy')!r} is neither a preset ({', '.join(preset_names())}) "
                                 "nor a policy document"])
    if not isinstance(spec, dict):
        raise InvalidPolicy(["policy: is required: a preset name, a policy document or its YAML text"])
    return parse_policy(spec)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidCase(["(body): send a JSON object with Content-Type: application/json"])
    return body


@api.get("/policies")
def list_policies():
    """The shipped presets."""
    return {"presets": preset_names()}


@api.post("/decide")
def decide_cases():
    """Decide one case (`case`) or several (`cases`) with a policy."""
    try:
        body = _json_body()
        policy = _policy_from(body)
        if "cases" in body and isinstance(body["cases"], list):
            cases = [load_case(c) for c in body["cases"]]
            return {"decisions": [decision_json(decide(policy, c)) for c in cases]}
        return decision_json(decide(policy, load_case(body.get("case"))))
    except (InvalidCase, InvalidPolicy) as exc:
        return _error(400 if isinstance(exc, InvalidPolicy) else 422, exc.errors)


@api.post("/policies/check")
def check_policy():
    """Validate a policy and report rules that never fire and uncovered requests."""
    try:
        policy = _policy_from(_json_body())
    except (InvalidCase, InvalidPolicy) as exc:
        return _error(400, exc.errors)
    report = analyse(policy)
    return {"valid": True, "policy": policy.id, "never_fire": report.never_fire,
            "uncovered": report.uncovered, "uncovered_total": report.uncovered_total}
