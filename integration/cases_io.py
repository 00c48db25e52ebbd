"""Read decision cases from a JSON file or JSON Lines, labelling each for error messages."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RawCase:
    label: str          # e.g. "cases.jsonl line 3"
    data: object | None
    error: str | None = None


def _label(name: str, where: str, data: object) -> str:
    case_id = data.get("id") if isinstance(data, dict) else None
    suffix = f" (case {case_id!r})" if isinstance(case_id, str) else ""
    return f"{name}{' ' + where if where else ''}{suffix}"


def read_cases(text: str, name: str) -> Iterator[RawCase]:
    """One JSON case (or a JSON array of cases), else JSON Lines; blank lines are skipped."""
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        yield RawCase(_label(name, "", whole), whole)
        return
    if isinstance(whole, list):
        for i, data in enumerate(whole):
            yield RawCase(_label(name, f"item {i}", data), data)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawCase(f"{name} line {number}", None, f"not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        yield RawCase(_label(name, f"line {number}", data), data)
