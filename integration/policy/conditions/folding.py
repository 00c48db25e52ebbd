"""Coverage for a condition over a fixed vocabulary: values no rule tells apart are folded into one."""
from __future__ import annotations

from collections.abc import Iterable


def folded(universe: Iterable, written: list[list]) -> list[tuple[object, list]]:
    """Representative value -> every value the rules treat the same way (each rule's list is one test)."""
    lists = [set(values) for values in written if values]
    groups: dict[tuple, list] = {}
    for value in universe:
        groups.setdefault(tuple(value in s for s in lists), []).append(value)
    return [(members[0], members) for members in groups.values()]
