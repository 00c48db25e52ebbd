"""Shared hypothesis strategies and settings for the bad-input suites: wrong types, bad encodings, deep nesting.

RETURNKIT_FUZZ_EXAMPLES sets the examples per test (default 200 in the proving tier, what CI runs); raise it to fuzz deeper, e.g.
RETURNKIT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/proving -k fuzz
"""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.tiers import scaled

# 200 in the proving tier, 40 in the quick one (the fuzz suites are marked `scaled`: tests/tiers.py)
EXAMPLES = int(os.environ.get("RETURNKIT_FUZZ_EXAMPLES") or scaled(200))
# The fixtures (an app, a migrated database) are built once per test and shared by its examples on purpose:
# state left by one bad input is part of what the next one meets.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

HUGE = 10**30
WRONG_TYPES = st.one_of(
    st.none(), st.booleans(), st.text(max_size=40), st.just(""), st.just("\x00"), st.just("\ud800"),
    st.integers(min_value=-2**63, max_value=2**63 - 1), st.just(HUGE), st.just(-HUGE),
    st.floats(allow_nan=True, allow_infinity=True), st.just(19.99), st.just(0.1 + 0.2),
    st.lists(st.integers(), max_size=3), st.just([]), st.just({}),
    st.dictionaries(st.text(max_size=6), st.one_of(st.none(), st.integers(), st.text(max_size=6)), max_size=3),
    st.sampled_from(["2026-13-45T99:00:00Z", "2026-05-01", "not a date", "NaN", "-1", "1e400", "0x10",
                     "gid://shopify/Order/abc", "12.345.6", "${jndi:x}", "<script>", "'; DROP TABLE shops; --"]),
)


def paths(doc, prefix=()) -> list[tuple]:
    """Every path to a value in a JSON document, the root excluded."""
    found = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        found.append(prefix + (key,))
        found.extend(paths(value, prefix + (key,)))
    return found


def replaced(doc, path: tuple, value, delete: bool = False):
    """A copy of doc with the value at path replaced (or its key deleted)."""
    copy = json.loads(json.dumps(doc))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


@st.composite
def mutated(draw, doc, rounds: int = 3):
    """The document with one to `rounds` fields given a wrong type or removed."""
    for _ in range(draw(st.integers(1, rounds))):
        every = paths(doc)
        if not every:
            break
        doc = replaced(doc, draw(st.sampled_from(every)), draw(WRONG_TYPES), delete=draw(st.booleans()))
    return doc


def to_json(doc) -> bytes:
    """JSON the way a sloppy sender writes it: NaN and Infinity as bare words, huge numbers whole."""
    return json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")


def nested(depth: int, leaf: str = "1") -> bytes:
    """A JSON value nested `depth` levels deep, alternating arrays and objects."""
    opening = "".join('{"a":' if n % 2 else "[" for n in range(depth))
    closing = "".join("}" if n % 2 else "]" for n in reversed(range(depth)))
    return (opening + leaf + closing).encode()


BAD_ENCODINGS = [
    b'{"id": "\xff\xfe"}', b"\xef\xbb\xbf{}", "{}".encode("utf-16"), b'{"id": "\xc0\xaf"}', b'{"id": "\xe0\x80\xaf"}',
    b'{"id": "\xed\xa0\x80"}', b'{"id": "\\ud800"}', b'{"id": 1, "id": 2}', b'{"id": "a\x00b"}', b"\x00\x00\x00{",
    b'{"id": 1e999999}', b'{"id": -0}', b"{\"id\": 1}\n{\"id\": 2}", b"[]" * 3, b"", b" ", b"null", b'"text"',
]
