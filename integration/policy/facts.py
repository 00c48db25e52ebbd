"""Facts: what a rule's conditions can see about one requested line, one field per registered condition."""
from __future__ import annotations

from dataclasses import field, make_dataclass

from integration.policy.conditions.base import LineContext
from integration.policy.conditions.registry import CONDITIONS

Facts = make_dataclass("Facts", [(c.fact, object, field(default=c.default)) for c in CONDITIONS],
                       frozen=True, slots=True)
Facts.__module__ = __name__
Facts.__doc__ = "What the conditions read about one requested line (window states are worked out when first asked for)."


# What the engine reads itself, whatever the rules name: the resolution, the fees, the deadline, the lines' output.
ENGINE_FACTS = frozenset({"type", "reason", "item_class", "condition", "windows", "out_of_stock", "inspected"})


def named_facts(doc: dict) -> frozenset[str]:
    """The facts a policy document's rules and adjustments name (any_of included), with the engine's own."""
    whens = [r.get("when") or {} for r in doc.get("rules", [])] + [a.get("when") or {} for a in doc.get("adjustments", [])]
    return ENGINE_FACTS | {c.fact for c in CONDITIONS for w in whens if c.written_in(w)}


def line_facts(policy, case, item, line) -> Facts:
    """The facts a rule sees for this requested line of the case: the ones the policy names are worked out, the
    others keep their defaults (no rule reads them)."""
    ctx, named = LineContext(policy, case, item, line), policy.facts_named
    return Facts(**{c.fact: c.fact_of(ctx) for c in CONDITIONS if named is None or c.fact in named})
