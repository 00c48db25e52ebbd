"""Clause text that quotes the policy's own numbers, and the lint for numbers a clause writes out literally.

A clause (or a rule's `explain`) may write `{windows.return_window.days}` (any scalar at a dotted path of the
document, as written: `from`, `return`, list items by index) and it is rendered with the value; `{{` and `}}` are
literal braces. The lint (`stale_numbers`) is deliberately simple: a number followed by days, hours, months,
years, business days or %, in a clause some rule cites (or a rule's `explain`), is compared with the lengths of
the windows and the percentages of the fee schedules those rules use; a number none of them has is reported
with the reference to write instead (100 % is left alone: it is said of refunds in full).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from integration.contract.errors import did_you_mean
from integration.policy.conditions.when import windows_named
from integration.policy.model import Policy

_REF = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:-\s*)?(%|percent\b|business[ _-]days?\b|days?\b|hours?\b"
                     r"|months?\b|years?\b)", re.IGNORECASE)
_UNITS = {"%": "%", "percent": "%", "day": "days", "hour": "hours", "month": "months", "year": "years"}
_FIX = "write a path of the document, e.g. {windows.return_window.days}, or {{ and }} for literal braces"
# A reference names a number or a name; the bound keeps a document of many references from rendering megabytes.
MAX_VALUE_CHARS = 80


def _shown(value: object) -> str | None:
    """A scalar as a clause shows it; None for a mapping, a list or an empty value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return format(Decimal(str(value)), "f")
    return None


def _step(node: object, segment: str) -> tuple[bool, object]:
    """(found, the child named by one path segment); `from` and `return` are loaded as `from_` and `return_`."""
    if isinstance(node, Mapping):
        for key in (segment, f"{segment}_"):
            if key in node:
                return True, node[key]
    elif isinstance(node, (list, tuple)) and segment.isdigit() and int(segment) < len(node):
        return True, node[int(segment)]
    return False, None


def _missing(node: object, walked: str, segment: str) -> str:
    where = walked or "the document"
    if isinstance(node, Mapping):
        keys = [str(k).removesuffix("_") for k in node]
        hint = did_you_mean(segment, keys) or f"; it has: {', '.join(keys) or '(nothing)'}"
        return f"{where} has no {segment!r}{hint}"
    if isinstance(node, (list, tuple)):
        return f"{where} is a list of {len(node)}; write an index from 0 to {len(node) - 1}, not {segment!r}"
    return f"{where} is a value, not a mapping, so it has no {segment!r}"


def resolve(doc: Mapping, path: str) -> tuple[str | None, str | None]:
    """(the scalar at a dotted path of the document as text, None) or (None, why there is none)."""
    if not path:
        return None, "an empty reference {}"
    node, walked = doc, ""
    for segment in path.split("."):
        found, child = _step(node, segment)
        if not found:
            return None, _missing(node, walked, segment)
        node, walked = child, f"{walked}.{segment}" if walked else segment
    shown = _shown(node)
    if shown is not None and len(shown) > MAX_VALUE_CHARS:
        return None, f"{walked} is {len(shown)} characters; a reference names a value of at most {MAX_VALUE_CHARS}"
    if shown is None:
        if isinstance(node, Mapping):
            keys = ", ".join(str(k).removesuffix("_") for k in node)
            return None, f"{walked} is a mapping; name one of its values: {keys}"
        kind = "a list" if isinstance(node, (list, tuple)) else "empty"
        return None, f"{walked} is {kind}, not a single value; name one value under it"
    return shown, None


def render(text: str, doc: Mapping, error: Callable[[str], None] = lambda message: None) -> str:
    """The text with each `{path}` replaced by the document's value there; `error(message)` for each bad one."""
    def substitute(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        value, why = resolve(doc, match.group(1).strip())
        if why is not None:
            error(f"{{{match.group(1)}}}: {why} ({_FIX})")
            return match.group(0)
        return value
    return _REF.sub(substitute, text)


def render_clauses(doc: Mapping, error: Callable[[str, str], None]) -> dict[str, str]:
    """Every clause rendered; `error(path, message)` for each reference that names nothing."""
    return {cid: render(text, doc, lambda message, cid=cid: error(f"clauses.{cid}", message))
            for cid, text in doc.get("clauses", {}).items()}


def render_explain(doc: Mapping, path: str, text: str | None, error: Callable[[str, str], None]) -> str | None:
    """A rule's or adjustment's `explain` rendered like a clause (it states the same numbers)."""
    return None if text is None else render(text, doc, lambda message: error(path, message))


def _window_lengths(policy: Policy, names: list[str]) -> list[tuple[str, str, Decimal]]:
    """(unit, path, length) of each named window with a length, and of its fallbacks."""
    out = []
    for name in names:
        window, path = policy.windows.get(name), f"windows.{name}"
        while window is not None:
            if window.until is None and window.ends_on is None:
                out.append((window.unit, f"{path}.{window.unit}", Decimal(window.length)))
            window, path = window.fallback, f"{path}.fallback"
    return out


def _fee_percents(doc: Mapping, schedules: list[str]) -> list[tuple[str, str, Decimal]]:
    """("%", path, percent) of every percentage written in the named fee schedules (tiers' steps too)."""
    out = []
    for name in schedules:
        for condition, entry in (doc.get("fees", {}).get(name) or {}).items():
            fees = entry if isinstance(entry, list) else [entry]
            for i, fee in enumerate(fees):
                path = f"fees.{name}.{condition}" + (f".{i}" if isinstance(entry, list) else "")
                if fee.get("percent") is not None:
                    out.append(("%", f"{path}.percent", Decimal(fee["percent"])))
                for j, step in enumerate((fee.get("tiers") or {}).get("steps", ())):
                    out.append(("%", f"{path}.tiers.steps.{j}.percent", Decimal(step["percent"])))
    return out


def _rule_numbers(policy: Policy, rules: list, adjustments: list) -> list[tuple[str, str, Decimal]]:
    """(unit, path, value) of the windows and fees the given rules and (adjustment, its `when`) pairs use."""
    windows, schedules = [], []
    for rule in rules:
        windows += rule.windows
        schedules += [rule.terms.deductions] if rule.terms.deductions else []
    for adj, when in adjustments:
        windows += windows_named(when or {})
        schedules += [adj.changes["deductions"]] if adj.changes.get("deductions") else []
    return (_window_lengths(policy, list(dict.fromkeys(windows)))
            + _fee_percents(policy.document, list(dict.fromkeys(schedules))))


def _texts(policy: Policy):
    """(where, the text as written, the numbers its rules use) for each clause and each rule's `explain`."""
    rules = [*policy.rules, policy.otherwise]
    adjustments = [(a, w.get("when")) for a, w in zip(policy.adjustments, policy.document.get("adjustments", ()))]
    for clause_id, written in policy.document.get("clauses", {}).items():
        yield (f"clauses.{clause_id}", written, _rule_numbers(policy, [r for r in rules if r.clause == clause_id],
                                                               [a for a in adjustments if a[0].clause == clause_id]))
    for kind, entries in (("rules", policy.rules), ("adjustments", policy.adjustments)):
        for i, (entry, written) in enumerate(zip(entries, policy.document.get(kind, ()))):
            if written.get("explain"):
                used = _rule_numbers(policy, [entry], []) if kind == "rules" else \
                    _rule_numbers(policy, [], [(entry, written.get("when"))])
                yield f"{kind}[{i}].explain", written["explain"], used


def _unit(word: str) -> str:
    word = word.lower().replace("-", " ").replace("_", " ")
    return "business_days" if word.startswith("business") else _UNITS.get(word.rstrip("s") or word, word)


def _finding(where: str, number: str, unit: str, used: list[tuple[str, str, Decimal]]) -> str:
    noun = unit.replace("_", " ")
    states = " and ".join(f"{path.rsplit('.', 1)[0]} is {value:f} {noun}" for _, path, value in used[:3])
    refs = " or ".join(f"{{{path}}}" for _, path, _ in used[:3])
    return f"{where} says {number} {noun} but {states}; write {refs}"


def stale_numbers(policy: Policy) -> list[str]:
    """Numbers a clause or an `explain` writes out that none of the windows or fees of its rules has (module doc)."""
    out = []
    for where, written, used in _texts(policy):
        literal = _REF.sub(lambda m: m.group(0)[0] if m.group(1) is None else " ", written)
        seen = set()
        for match in _NUMBER.finditer(literal):
            number, unit = match.group(1), _unit(match.group(2))
            same_unit = [u for u in used if u[0] == unit]
            if (number, unit) in seen or not same_unit or any(v == Decimal(number) for _, _, v in same_unit) \
                    or (unit == "%" and Decimal(number) == 100):   # "a 100% refund" is about the refund, not a fee
                continue
            seen.add((number, unit))
            out.append(_finding(where, number, unit, same_unit))
    return out
