"""Builders and checks shared by the tests: cases as contract JSON, decisions as contract JSON."""
from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.policy.engine import decide
from integration.policy.loader import load_policy_file, load_policy_text

CONTRACT = Path(__file__).parent / "contract"


def NO_QUEUE(_action_id: int) -> None:  # noqa: N802  (a constant-like stand-in for the queue)
    """Where a test's committed actions go when nothing should run them: nowhere."""


@cache
def contract_validator(name: str) -> jsonschema.Draft202012Validator:
    """A JSON Schema validator for the contract's case or decision schema."""
    schema = json.loads((CONTRACT / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@cache
def preset(name: str):
    """A shipped preset, compiled once per test session."""
    return load_policy_file(name)


def policy_from_yaml(text: str):
    """Compile a policy written inline in a test."""
    return load_policy_text(text)


def decide_json(policy, case: dict) -> dict:
    """Decide a contract case (JSON) and return the contract decision (JSON), checked against the schema."""
    contract_validator("case").validate(case)
    decision = decision_json(decide(policy, load_case(case)))
    contract_validator("decision").validate(decision)
    return decision


def make_case(*, type="return", submitted_at="2026-05-12T12:00:00-05:00", reason=None, items=None,
              evidence=None, preferred=None, order=None, lines=None, **order_fields) -> dict:
    """A contract case with sensible defaults: one $49.00 line delivered on 2026-05-02 (US Central)."""
    request = {"type": type, "submitted_at": submitted_at}
    if reason:
        request["reason"] = reason
    request["items"] = items if items is not None else [{"line_item_id": "1", "quantity": 1}]
    if evidence is not None:
        request["evidence"] = evidence
    if preferred:
        request["preferred_resolution"] = preferred
    base = {"id": "1001", "currency": "USD", "placed_at": "2026-04-28T09:00:00-05:00",
            "shop_country": "US", "destination_country": "US", "shipping_paid": "6.50",
            "production_started_at": None, "delivered_at": "2026-05-02T13:00:00-05:00",
            "line_items": lines or [{"id": "1", "title": "Widget", "quantity": 1, "unit_price": "49.00",
                                     "tags": [], "requires_shipping": True}]}
    base.update(copy.deepcopy(order or {}))
    base.update(order_fields)
    return {"request": request, "order": base}
