"""What a rule condition is: where it is written, the fact it reads, its test, its coverage values and its lint."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import fields

from integration.contract.fields import Bool, Choice

Predicate = Callable[[Any], bool]
Ref = tuple[str, list, str]  # (name used, names defined, section that defines them)


@dataclass(frozen=True, slots=True)
class LineContext:
    """What a condition's fact is read from: the policy, the case, the requested item and its order line."""
    policy: Any
    case: Any
    item: Any
    line: Any


@dataclass(frozen=True, slots=True)
class Condition:
    key: str                                        # its name under `when` (or under `when.order`)
    fact: str                                       # the Facts attribute it reads
    field: Callable[[], fields.Field]               # its marshmallow field in the policy document
    fact_of: Callable[[LineContext], Any]           # the fact, for one requested line
    test: Callable[[Any], Predicate]                # compile a written value into a predicate over Facts
    # coverage: from the policy and each rule's written values, (a value per kind, the values folded into it)
    space: Callable[[Any, list[list]], list[tuple[Any, list]]]
    default: Any = None
    scope: str = "line"                             # "order": written under `when.order`
    refs: Callable[[Any, Mapping], Iterable[Ref]] = lambda value, doc: ()


    def value_in(self, when: dict):
        """Its value written in `when` itself (not its any_of branches), or None."""
        return (when if self.scope == "line" else when.get("order", {})).get(self.key)

    def written_in(self, when: dict) -> list:
        """Every value written for it in `when` and its any_of branches, in order."""
        value = self.value_in(when)
        found = [] if value is None else list(value) if isinstance(value, (list, dict)) else [value]
        for sub in when.get("any_of", ()):
            found.extend(self.written_in(sub))
        return found


def member_of(attr: str, values: Iterable) -> Predicate:
    """True when the fact is one of the values."""
    allowed = frozenset(values)
    return lambda f: getattr(f, attr) in allowed


def is_value(attr: str) -> Callable[[Any], Predicate]:
    """A compiler for a yes/no condition: true when the fact is exactly the written value."""
    return lambda value: (lambda f: getattr(f, attr) is value)


def choices(values: Iterable, noun: str) -> Callable[[], fields.Field]:
    """A document field: a list of allowed values."""
    return lambda: fields.List(Choice(tuple(values), noun))


def strings() -> fields.Field:
    """A document field: a list of free strings."""
    return fields.List(fields.String())


def boolean() -> fields.Field:
    """A document field: yes or no."""
    return Bool()


def each(values: Iterable) -> list[tuple[Any, list]]:
    """A coverage space where every value is its own kind."""
    return [(v, [v]) for v in values]


def both(used: bool) -> list[tuple[Any, list]]:
    """A yes/no coverage space: only False unless some rule names the condition."""
    return each((False, True) if used else (False,))


def all_of(checks: list[Predicate]) -> Predicate:
    """Chain predicates with `and` (cheaper per call than all() over a generator)."""
    if not checks:
        return lambda f: True
    head, *rest = checks
    if not rest:
        return head
    tail = all_of(rest)
    return lambda f: head(f) and tail(f)
