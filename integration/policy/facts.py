"""Facts: what a rule's conditions can see about one requested line, one field per registered condition."""
from __future__ import annotations

from dataclasses import field, make_dataclass

from integration.policy.conditions.base import LineContext
from integration.policy.conditions.registry import CONDITIONS

Facts = make_dataclass("Facts", [(c.fact, object, field(default=c.default)) for c in CONDITIONS],
                       frozen=True, slots=True)
Facts.__module__ = __name__
Facts.__doc__ = "What the conditions read about one requested line (window states are worked out when first asked for)."


def line_facts(policy, case, item, line) -> Facts:
    """The facts a rule sees for this requested line of the case."""
    ctx = LineContext(policy, case, item, line)
    return Facts(**{c.fact: c.fact_of(ctx) for c in CONDITIONS})
