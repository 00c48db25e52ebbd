"""A rule's `when`: its schema, its compiled predicate and the values it names, from the registered conditions."""
from __future__ import annotations

from collections.abc import Iterator

from marshmallow import fields

from integration.contract.fields import StrictSchema
from integration.policy.conditions import window
from integration.policy.conditions.base import Condition, Predicate, all_of
from integration.policy.conditions.registry import CONDITIONS

_LINE = tuple(c for c in CONDITIONS if c.scope == "line")
_ORDER = tuple(c for c in CONDITIONS if c.scope == "order")

OrderConditionSchema = type("OrderConditionSchema", (StrictSchema,), {c.key: c.field() for c in _ORDER})
WhenSchema = type("WhenSchema", (StrictSchema,), {
    **{c.key: c.field() for c in _LINE},
    "order": fields.Nested(OrderConditionSchema),
    "any_of": fields.List(fields.Nested(lambda: WhenSchema())),
})


def written(when: dict) -> Iterator[tuple[Condition, object, str]]:
    """Each condition `when` names (not its any_of branches): the condition, its value and its path suffix."""
    for c in CONDITIONS:
        if (value := c.value_in(when)) is not None:
            yield c, value, c.key if c.scope == "line" else f"order.{c.key}"


def compile_when(when: dict) -> Predicate:
    """A predicate that is true when every condition of `when` holds for the facts (any_of is an or)."""
    checks = [c.test(value) for c, value, _ in written(when)]
    if "any_of" in when:
        alternatives = [compile_when(sub) for sub in when["any_of"]]
        checks.append(lambda f: any(alt(f) for alt in alternatives))
    return all_of(checks)


def windows_named(when: dict) -> tuple[str, ...]:
    """The window names a `when` mapping refers to, in order of appearance."""
    return tuple(dict.fromkeys(window.CONDITION.written_in(when)))


def lint_refs(path: str, when: dict, doc: dict) -> Iterator[tuple[str, str, list, str]]:
    """Each name `when` uses that must be defined elsewhere in the document, with its path."""
    for c, value, suffix in written(when):
        for name, known, section in c.refs(value, doc):
            yield f"{path}.{suffix}", name, known, section
    for i, sub in enumerate(when.get("any_of", ())):
        yield from lint_refs(f"{path}.any_of[{i}]", sub, doc)
