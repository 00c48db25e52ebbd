"""Compile a rule's `when` mapping into a predicate over Facts (all keys must hold; any_of is an or)."""
from __future__ import annotations

from collections.abc import Callable

from integration.policy.facts import Facts

Predicate = Callable[[Facts], bool]


def _member(attr: str, values) -> Predicate:
    allowed = frozenset(values)
    return lambda f: getattr(f, attr) in allowed


def _order_checks(order: dict) -> list[Predicate]:
    checks: list[Predicate] = []
    if "gift" in order:
        checks.append(lambda f, v=order["gift"]: f.gift is v)
    if "international" in order:
        checks.append(lambda f, v=order["international"]: f.international is v)
    if "min_units" in order:
        checks.append(lambda f, n=order["min_units"]: f.units >= n)
    if "tags" in order:
        tags = frozenset(t.lower() for t in order["tags"])
        checks.append(lambda f: not tags.isdisjoint(f.order_tags))
    if "destination_country" in order:
        checks.append(_member("destination_country", order["destination_country"]))
    return checks


def compile_when(when: dict) -> Predicate:
    """A predicate that is true when every condition of `when` holds for the facts."""
    checks: list[Predicate] = []
    for key, attr in (("type", "type"), ("reason", "reason"),
                      ("item_class", "item_class"), ("condition", "condition")):
        if key in when:
            checks.append(_member(attr, when[key]))
    for name, state in when.get("window", {}).items():
        checks.append(lambda f, n=name, s=state: f.windows[n] == s)
    for key in ("out_of_stock", "inspected"):
        if key in when:
            checks.append(lambda f, k=key, v=when[key]: getattr(f, k) is v)
    checks.extend(_order_checks(when.get("order", {})))
    if "any_of" in when:
        alternatives = [compile_when(sub) for sub in when["any_of"]]
        checks.append(lambda f: any(alt(f) for alt in alternatives))
    return _all_of(checks)


def _all_of(checks: list[Predicate]) -> Predicate:
    """Chain predicates with `and` (cheaper per call than all() over a generator)."""
    if not checks:
        return lambda f: True
    head, *rest = checks
    if not rest:
        return head
    tail = _all_of(rest)
    return lambda f: head(f) and tail(f)


def windows_named(when: dict) -> tuple[str, ...]:
    """The window names a `when` mapping refers to, in order of appearance."""
    names = list(when.get("window", {}))
    for sub in when.get("any_of", ()):
        names.extend(n for n in windows_named(sub) if n not in names)
    return tuple(names)


def values_named(when: dict, key: str) -> list:
    """Every value listed under `key` in `when` and its any_of branches."""
    found = list(when.get(key, ()))
    for sub in when.get("any_of", ()):
        found.extend(values_named(sub, key))
    return found
