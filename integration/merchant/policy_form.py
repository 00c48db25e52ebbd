"""The common settings of a policy as a form: read from the YAML document and written back into it.

Only the fields the form shows change, and only values that differ are written back into the text (yaml_roundtrip):
comments, layout, clauses and rules stay as they were. Each form group names the document path it edits, and
validation errors are attached to the group they name.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import yaml

from integration.domain import vocabulary as vocab
from integration.merchant.labels import key_words
from integration.merchant.yaml_roundtrip import rewrite
from integration.policy.bounds import check_document, read_yaml
from integration.policy.clause_refs import render, stale_numbers
from integration.policy.compiler import InvalidPolicy
from integration.policy.document import ANCHORS
from integration.policy.loader import load_policy_text, parse_policy

UNITS = ("days", "hours", "months", "years")
UNTIL = "until_production_start"     # the form's value for `until: production_start`
FEE_CONDITIONS = vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION, "any")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class FormErrors(ValueError):
    """The form cannot be applied; `errors` maps a form group's document path to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(next(iter(errors.values()))[0])
        self.errors = errors


def load_document(text: str) -> dict:
    """The YAML document as data; FormErrors when it is over a limit or not a mapping (fix it in the YAML editor)."""
    try:
        data = read_yaml(text)
        check_document(data)
    except InvalidPolicy as exc:   # a draft kept before the limits, or text sent straight to the form
        raise FormErrors({"(document)": [f"{exc.errors[0]}; fix it in the YAML editor first"]}) from None
    except yaml.YAMLError:
        data = None
    if not isinstance(data, dict):
        raise FormErrors({"(document)": ["the policy is not valid YAML; fix it in the YAML editor first"]})
    return data


def dump_document(data: dict) -> str:
    """The document as YAML, keys in their original order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)


def _inherited(doc: dict, rule: dict, section: str, key: str):
    """A rule's own value of section.key, else its terms bundle's, else the defaults'."""
    bundle = (doc.get("terms") or {}).get(rule.get("terms"), {}) or {}
    for source in (rule, bundle, doc.get("defaults") or {}):
        value = (source.get(section) or {}).get(key)
        if value is not None:
            return value
    return None


def _grants_a_return(doc: dict, rule: dict) -> bool:
    resolutions = rule.get("resolution") or ((doc.get("terms") or {}).get(rule.get("terms"), {}) or {}).get("resolution")
    return rule.get("decide") != "deny" and _inherited(doc, rule, "return", "required") is not False \
        and resolutions != ["cancel_and_refund"]


def is_cancellation_rule(rule: dict) -> bool:
    """A rule about cancellations only."""
    return ((rule.get("when") or {}).get("type") or []) == ["cancellation"]


def _window_row(name: str, window: dict) -> dict:
    if "until" in window:
        return {"name": name, "label": key_words(name), "from": UNTIL, "length": "", "unit": "days", "fallback": False}
    unit = next((u for u in UNITS if u in window), "days")
    return {"name": name, "label": key_words(name), "from": window.get("from", "delivery"),
            "length": window.get(unit, ""), "unit": unit, "fallback": "fallback" in window}


def _named(doc: dict, index: int, rule: dict) -> dict:
    """A rule's row: its place, its id, and its words (its explanation with the document's numbers, else its id's)."""
    words = render(str(rule.get("explain") or ""), doc) or f"the rule on {key_words(rule.get('id'))}"
    return {"index": index, "id": rule.get("id"), "words": words[:1].upper() + words[1:]}


_SIMPLE_FEE_KEYS = {"percent", "amount", "per", "up_to"}


def _fee_row(schedule: str, condition: str, fee: dict | list | None) -> dict:
    if isinstance(fee, list) or (isinstance(fee, dict) and (set(fee) - _SIMPLE_FEE_KEYS or fee.get("per") == "order")):
        # Tiers, bases, floors, ceilings and combined fees are edited in the YAML editor; the form leaves them as written.
        return {"schedule": schedule, "condition": condition, "kind": "advanced", "value": "", "up_to": False,
                "per": "unit", "yaml": dump_document({condition: fee}).strip()}
    fee = fee or {}
    kind = "percent" if "percent" in fee else "amount" if "amount" in fee else "none"
    return {"schedule": schedule, "condition": condition, "kind": kind,
            "value": fee.get("percent", fee.get("amount", "")), "up_to": bool(fee.get("up_to")),
            "per": fee.get("per", "unit")}


def read_form(text: str) -> dict:
    """The form's rows, read from a policy document."""
    doc = load_document(text)
    rules = list(enumerate(doc.get("rules") or []))
    return {
        "windows": [_window_row(n, w or {}) for n, w in (doc.get("windows") or {}).items()],
        "item_classes": [{"index": i, "name": c.get("name"), "tags": ", ".join((c.get("match") or {}).get("tags", []))}
                         for i, c in enumerate(doc.get("item_classes") or [])],
        "payers": [{**_named(doc, i, r), "payer": _inherited(doc, r, "return", "shipping_paid_by") or "customer"}
                   for i, r in rules if _grants_a_return(doc, r)],
        "evidence": [{**_named(doc, i, r), "kinds": list(r.get("evidence") or [])}
                     for i, r in rules if r.get("decide") != "deny"],
        "fees": {name: [_fee_row(name, c, (schedule or {}).get(c)) for c in FEE_CONDITIONS]
                 for name, schedule in (doc.get("fees") or {}).items()},
        "cancellations": [{**_named(doc, i, r), "decide": r.get("decide"), "explain": render(r.get("explain", ""), doc)}
                          for i, r in rules if is_cancellation_rule(r)],
    }


def _number(value: str, path: str, errors: dict, whole: bool) -> Decimal | int | None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or (whole and number != number.to_integral()):
        kind = "a whole number of" if whole else "a number, e.g. 10 or 12.5, of"
        errors.setdefault(path, []).append(f"{value!r} is not {kind} at least 0")
        return None
    return int(number) if number == number.to_integral() else number


def _window_from_form(name: str, old: dict, form: Mapping, errors: dict) -> dict | None:
    anchor = form.get(f"window.{name}.from", "")
    path = f"windows.{name}"
    if anchor == UNTIL:
        return {"until": "production_start"}
    unit = form.get(f"window.{name}.unit", "days")
    if anchor not in ANCHORS or unit not in UNITS:
        errors.setdefault(path, []).append(f"choose where the window starts ({', '.join(ANCHORS)}) and a unit")
        return None
    length = _number(form.get(f"window.{name}.length", ""), path, errors, whole=True)
    if length is None:
        return None
    window = {"from": anchor, unit: length}
    if "fallback" in old:
        window["fallback"] = old["fallback"]
    return window


def _apply_windows(doc: dict, form: Mapping, errors: dict) -> None:
    windows = doc.get("windows") or {}
    for name, old in list(windows.items()):
        if f"window.{name}.from" in form and (window := _window_from_form(name, old or {}, form, errors)):
            windows[name] = window
    new = form.get("window.new.name", "").strip()
    if new:
        if not _NAME.match(new) or new in windows:
            errors.setdefault("windows.new", []).append(
                f"{new!r}: a new window needs a name not used yet, in lower case letters, digits, '-' or '_'")
        elif window := _window_from_form("new", {}, form, errors):
            windows[new] = window
    if windows:
        doc["windows"] = windows


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


def _apply_item_classes(doc: dict, form: Mapping, errors: dict) -> None:
    classes = doc.get("item_classes") or []
    for i, item_class in enumerate(classes):
        if f"class.{i}.tags" in form:
            match = dict(item_class.get("match") or {})
            match["tags"] = _tags(form[f"class.{i}.tags"])
            if not match["tags"] and len(match) > 1:
                del match["tags"]
            item_class["match"] = match
    new = form.get("class.new.name", "").strip()
    if new:
        if not _NAME.match(new) or new in [c.get("name") for c in classes]:
            errors.setdefault(f"item_classes[{len(classes)}]", []).append(
                f"{new!r}: a new item class needs a name not used yet, in lower case letters, digits, '-' or '_'")
        else:
            classes.append({"name": new, "match": {"tags": _tags(form.get("class.new.tags", ""))}})
    if classes:
        doc["item_classes"] = classes


def _apply_rules(doc: dict, form: Mapping, errors: dict) -> None:
    for i, rule in enumerate(doc.get("rules") or []):
        payer = form.get(f"payer.{i}")
        if payer in vocab.PAYERS and payer != (_inherited(doc, rule, "return", "shipping_paid_by") or "customer"):
            rule["return"] = {**(rule.get("return") or {}), "shipping_paid_by": payer}
        if f"evidence.{i}.shown" in form:
            _set_evidence(rule, form.getlist(f"evidence.{i}"))
        decide = form.get(f"cancel.{i}.decide")
        if decide and is_cancellation_rule(rule):
            _set_cancellation(rule, decide, f"rules[{i}]", errors)


def _set_evidence(rule: dict, checked: list[str]) -> None:
    """The kinds checked, the ones the rule already had first, in their order (so an unchanged form changes nothing)."""
    # The merchant's own kinds (evidence_kinds) have no checkbox here: the form keeps them as written.
    kept = [k for k in rule.get("evidence") or [] if k in checked or k not in vocab.EVIDENCE_KINDS]
    kinds = kept + [k for k in vocab.EVIDENCE_KINDS if k in checked and k not in kept]
    if kinds:
        rule["evidence"] = kinds
    else:
        rule.pop("evidence", None)


def _set_cancellation(rule: dict, decide: str, path: str, errors: dict) -> None:
    if decide not in ("approve", "deny", "review"):
        errors.setdefault(path, []).append(f"{decide!r} is not a decision; choose approve, deny or review")
        return
    rule["decide"] = decide
    if decide != "deny" and not rule.get("resolution") and not rule.get("terms"):
        # A cancellation that is granted cancels the order and refunds it; nothing comes back.
        rule["resolution"] = ["cancel_and_refund"]
        rule.setdefault("return", {"required": False})


def _fee_from_form(prefix: str, path: str, form: Mapping, errors: dict) -> dict | None:
    kind = form.get(f"{prefix}.kind", "none")
    if kind == "none":
        return None
    value = _number(form.get(f"{prefix}.value", ""), path, errors, whole=False)
    if value is None:
        return None
    if kind == "percent":
        fee = {"percent": value if isinstance(value, int) else format(value, "f")}
    else:
        fee = {"amount": format(Decimal(value), "f"), "per": "line" if form.get(f"{prefix}.per") == "line" else "unit"}
    if form.get(f"{prefix}.up_to"):
        fee["up_to"] = True
    return fee


def _apply_fees(doc: dict, form: Mapping, errors: dict) -> None:
    for name, schedule in (doc.get("fees") or {}).items():
        schedule = schedule or {}
        for condition in FEE_CONDITIONS:
            prefix = f"fee.{name}.{condition}"
            if f"{prefix}.kind" not in form:
                continue
            fee = _fee_from_form(prefix, f"fees.{name}.{condition}", form, errors)
            schedule.pop(condition, None)
            if fee is not None:
                schedule[condition] = fee
        doc["fees"][name] = schedule


def apply_form(text: str, form: Mapping) -> str:
    """The policy text with the form's settings written in (the rest of the text as it was); raises FormErrors keyed
    by document path."""
    doc = load_document(text)
    before = copy.deepcopy(doc)
    errors: dict[str, list[str]] = {}
    for apply in (_apply_windows, _apply_item_classes, _apply_rules, _apply_fees):
        apply(doc, form, errors)
    if not errors:
        try:
            parse_policy(doc)
        except InvalidPolicy as exc:
            for line in exc.errors:
                path, _, message = line.partition(": ")
                errors.setdefault(path, []).append(message)
    if errors:
        raise FormErrors(errors)
    return rewrite(text, before, doc)


def stale_clause_warnings(text: str) -> list[str]:
    """Numbers the clauses write out that their rules no longer use (the save still goes through)."""
    try:
        return stale_numbers(load_policy_text(text))
    except InvalidPolicy:
        return []


def group_errors(errors: dict[str, list[str]], groups: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by the form group whose path is the longest prefix of theirs, and the ones no group shows."""
    by_group: dict[str, list[str]] = {}
    rest = []
    for path, messages in errors.items():
        owner = max((g for g in groups if path == g or path.startswith((g + ".", g + "["))), key=len, default=None)
        if owner is None:
            rest.extend(f"{path}: {m}" for m in messages)
        else:
            by_group.setdefault(owner, []).extend(messages if path == owner else [f"{path[len(owner):].lstrip('.')}: {m}"
                                                                                  for m in messages])
    return by_group, rest


def form_groups(rows: dict) -> list[str]:
    """Every document path the form has a group for (where its errors are shown)."""
    groups = [f"windows.{w['name']}" for w in rows["windows"]] + ["windows.new"]
    groups += [f"item_classes[{c['index']}]" for c in rows["item_classes"]] + [f"item_classes[{len(rows['item_classes'])}]"]
    groups += [f"rules[{r['index']}].return" for r in rows["payers"]]
    groups += [f"rules[{r['index']}].evidence" for r in rows["evidence"]]
    groups += [f"rules[{r['index']}]" for r in rows["cancellations"]]
    groups += [f"fees.{name}.{row['condition']}" for name, fee_rows in rows["fees"].items() for row in fee_rows]
    return groups
