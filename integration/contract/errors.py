"""Turn marshmallow's nested error dicts into one line per field: `path: what is wrong`."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

_PLAIN = {
    "Missing data for required field.": "is required",
    "Field may not be null.": "may not be null",
    "Not a valid string.": "must be a string",
    "Not a valid list.": "must be a list",
    "Not a valid mapping type.": "must be a mapping",
    "Invalid input type.": "must be a mapping (an object)",
    "Invalid type.": "must be a mapping (an object)",
}


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' when value is close to one of choices, else ''."""
    if not isinstance(value, str) or not value:
        return ""
    best, score = None, 0.6
    for choice in choices:
        # Compare with the choice's head too, so a typo in a long word still finds it.
        head = choice[:len(value) + 1]
        ratio = max(difflib.SequenceMatcher(None, value, choice).ratio(),
                    difflib.SequenceMatcher(None, value, head).ratio() - 0.05)
        if ratio > score:
            best, score = choice, ratio
    return f"; did you mean '{best}'?" if best else ""


def not_one_of(value: object, choices: Iterable[str], noun: str) -> str:
    """The message for a value outside a closed vocabulary."""
    choices = list(choices)
    return (f"{value!r} is not a valid {noun}{did_you_mean(value, choices)} "
            f"(expected one of: {', '.join(choices)})")


def join_path(prefix: str, key: object) -> str:
    """Extend a dotted path: 'rules' + 3 -> 'rules[3]', 'rules[3]' + 'when' -> 'rules[3].when'."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    if type(key) is not str and isinstance(key, str):  # a document's own field name (FieldName)
        return f"{prefix}.{key}" if prefix else str(key)
    if key == "_schema" or key == "value":  # "value": marshmallow's slot for a mapping's values
        return prefix
    if key == "key":
        return f"{prefix} (the key)"
    return f"{prefix}.{key}" if prefix else str(key)


def flatten(messages: object, prefix: str = "") -> list[tuple[str, str]]:
    """List (path, message) pairs from a marshmallow error structure, in document order."""
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, sub in messages.items():
            out.extend(flatten(sub, join_path(prefix, key)))
        return out
    if isinstance(messages, (list, tuple)):
        out = []
        for sub in messages:
            out.extend(flatten(sub, prefix))
        return out
    text = str(messages)
    return [(prefix or "(document)", _PLAIN.get(text, text))]


def format_errors(messages: object, prefix: str = "") -> list[str]:
    """One 'path: message' line per error."""
    return [f"{path}: {msg}" for path, msg in flatten(messages, prefix)]
