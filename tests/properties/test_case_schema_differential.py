"""Differential: load_case accepts exactly what case.schema.json accepts, and names the mutated field first."""
import json
import re
import string
from datetime import datetime

import jsonschema
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from integration.contract.case_schema import InvalidCase, load_case
from tests.helpers import CONTRACT, make_case
from tests.properties.strategies import cases, instants, written
from tests.tiers import examples

SCHEMA = json.loads((CONTRACT / "case.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
# Without the optional rfc3339-validator package, jsonschema does not check the date-time format.
FORMATS_CHECKED = "date-time" in jsonschema.FormatChecker().checkers
# Keys that marshmallow's error structure uses itself: an unknown key so named must keep its own path.
SLOT_KEYS = ("value", "key", "_schema")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", re.ASCII)
# Our loader also takes a space between date and time, as RFC 3339 (5.6, note) allows.
LENIENT = re.compile(RFC3339.pattern.replace("[Tt]", "[Tt ]"), re.ASCII)

DATETIMES = {"request.submitted_at", "order.placed_at", "order.production_started_at", "order.delivered_at",
             "order.line_items[].delivered_at"}
KIND_VALUES = {
    "money": st.sampled_from(["12,50", "1.", ".5", "-1.00", "1e3", " 1.00", "", "１２", 12.5, 12, "12.50"]),
    "int": st.sampled_from([0, -1, True, False, 1.5, "1", 2.0, 3, 10**20]),
    "bool": st.sampled_from([0, 1, "true", "yes"]),
    "enum": st.sampled_from(["Return", "damagd", "", "refund ", "unknown", "any"]),
    "code": st.sampled_from(["usd", "US", "USDD", "€€€", "U1", "GB", "EUR", "USD\n"]),
    "datetime": st.one_of(st.sampled_from(["2026-05-12T12:00:00", "2026-05-12", "12:00:00Z", "2026-05-12T12:00Z",
                                           "2026-05-12T12:00:00+0500", "2026-02-30T10:00:00Z", "2026-05-12 12:00:00Z",
                                           "2026-05-12t12:00:00z", "2026-05-12T12:00:00.5+24:00"]),
                          instants().flatmap(written)),
}
KINDS = {"money": {"order.shipping_paid", "order.line_items[].unit_price"},
         "int": {"order.line_items[].quantity", "request.items[].quantity", "request.evidence.photos",
                 "request.evidence.videos"},
         "bool": {"order.is_gift", "order.line_items[].requires_shipping", "request.items[].exchange_in_stock",
                  "request.inspected", "request.evidence.description"},
         "enum": {"request.type", "request.reason", "request.items[].condition", "request.preferred_resolution"},
         "code": {"order.currency", "order.shop_country", "order.destination_country"},
         "datetime": DATETIMES}
ANY_JSON = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=6), st.lists(st.integers(0, 2), max_size=2),
                     st.dictionaries(st.text(string.ascii_lowercase, max_size=3), st.integers(), max_size=1))


def nodes(value, path=()):
    """Every (path, value) of a JSON tree, the root first."""
    yield path, value
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from nodes(child, path + (key,))


def dotted(path) -> str:
    """('request', 'items', 0, 'quantity') -> 'request.items[0].quantity'."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def field_kind(path) -> str | None:
    """The contract's kind of value at a path, indices erased ('order.line_items[].quantity' -> 'int')."""
    generic = re.sub(r"\[\d+\]", "[]", dotted(path))
    return next((kind for kind, fields in KINDS.items() if generic in fields), None)


def parent(case: dict, path):
    """The container holding the value at `path`."""
    node = case
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def mutations(draw, keys=st.text(string.ascii_letters + "_", min_size=1, max_size=8)):
    """(mutated case, mutated path, new value or None): one deletion, unknown key or replaced value."""
    case = draw(cases())
    every = list(nodes(case))[1:]
    op = draw(st.sampled_from(["delete", "unknown", "replace", "replace"]))
    if op == "delete":
        path = draw(st.sampled_from([p for p, _ in every if isinstance(p[-1], str)]))
        del parent(case, path)[path[-1]]
        return case, path, None
    if op == "unknown":
        at = draw(st.sampled_from([()] + [p for p, v in every if isinstance(v, dict)]))
        node = parent(case, at + ("",))
        key = draw(keys.filter(lambda k: k not in node))
        node[key] = draw(ANY_JSON)
        return case, at + (key,), node[key]
    path = draw(st.sampled_from([p for p, _ in every]))
    kind = field_kind(path)
    value = draw(KIND_VALUES[kind] | ANY_JSON if kind else ANY_JSON | st.just([]))
    parent(case, path)[path[-1]] = value
    return case, path, value


def our_errors(case: dict) -> list[str]:
    """load_case's error lines ([] when it accepts the case)."""
    try:
        load_case(case)
    except InvalidCase as exc:
        assert exc.errors, "a rejection must say why"
        return exc.errors
    return []


def must_accept_datetime(value: str) -> bool | None:
    """Our verdict for a date-time string: True (accept), False (reject) or None (either, the space form)."""
    if RFC3339.fullmatch(value):
        try:
            datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
            return True
        except ValueError:
            return False
    return None if LENIENT.fullmatch(value) else False


def check_mutation(case: dict, path, value) -> None:
    """Accept exactly when the JSON Schema does (date-times: see must_accept_datetime); name the path first."""
    errors = our_errors(case)
    special = not FORMATS_CHECKED and isinstance(value, str) and field_kind(path) == "datetime"
    expected = must_accept_datetime(value) if special else VALIDATOR.is_valid(case)
    if expected is not None:
        assert (not errors) == expected, (dotted(path), value, errors)
    if errors:
        assert re.match(re.escape(dotted(path)) + r"[.\[:]", errors[0]), (dotted(path), errors)


@pytest.mark.scaled
@settings(max_examples=examples(400), deadline=None)
@given(mutations())
def test_loader_agrees_with_the_json_schema_and_names_the_field(mutation):
    check_mutation(*mutation)


@pytest.mark.scaled
@settings(max_examples=examples(100), deadline=None)
@given(cases())
def test_valid_cases_load(case):
    assert VALIDATOR.is_valid(case) and our_errors(case) == []


@pytest.mark.scaled
@settings(max_examples=examples(100), deadline=None)
@given(cases(), st.sampled_from(["order.line_items", "request", "order"]))
def test_empty_line_items_and_empty_objects_are_rejected(case, where):
    parent(case, where.split("."))[where.split(".")[-1]] = [] if where == "order.line_items" else {}
    check_mutation(case, tuple(where.split(".")), None)


def _with_unknown(key: str) -> tuple[dict, tuple, int]:
    """A mutation: the default case with an unknown key in its first request item."""
    case = make_case()
    case["request"]["items"][0][key] = 1
    return case, ("request", "items", 0, key), 1


# Regression: an unknown key named 'value' was reported at its parent's path ('request.items[0]: unknown field').
@example(mutation=_with_unknown("value"))
@pytest.mark.scaled
@settings(max_examples=examples(20), deadline=None)
@given(mutations(keys=st.sampled_from(SLOT_KEYS)))
def test_unknown_keys_named_like_marshmallow_slots(mutation):
    check_mutation(*mutation)


# Regression: JSON 'Infinity' / 'NaN' (which Python's json accepts) crashed load_case instead of raising InvalidCase.
@example(number=float("inf"))
@pytest.mark.scaled
@settings(max_examples=examples(10), deadline=None)
@given(st.sampled_from([float("inf"), float("-inf"), float("nan")]))
def test_non_finite_numbers_are_rejected(number):
    case = make_case(items=[{"line_item_id": "1", "quantity": number}])
    assert not VALIDATOR.is_valid(case)
    assert our_errors(case)[0].startswith("request.items[0].quantity:")
