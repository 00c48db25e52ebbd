"""`window`: whether the request falls inside, outside or (anchor unknown) outside knowledge of named windows."""
from __future__ import annotations

import itertools

from marshmallow import fields

from integration.contract.fields import Choice
from integration.policy.conditions.base import Condition, all_of
from integration.policy.windows import WindowStates

WINDOW_STATES = ("inside", "outside", "unknown")


def _test(states: dict):
    return all_of([lambda f, n=name, s=state: f.windows[n] == s for name, state in states.items()])


def _possible_states(window) -> tuple[str, ...]:
    if window.until or window.fallback or window.anchor == "purchase":
        return ("inside", "outside")
    return ("inside", "outside", "unknown")


def _feasible(policy, states: dict[str, str]) -> bool:
    """Windows on the same anchor and unit nest: a longer one is open while a shorter one is."""
    for a, b in itertools.permutations(policy.windows.values(), 2):
        if a.anchor and a.anchor == b.anchor and not a.fallback and not b.fallback:
            if (states[a.name] == "unknown") != (states[b.name] == "unknown"):
                return False
            if a.unit == b.unit and a.length <= b.length and states[a.name] == "inside" != states[b.name]:
                return False
    return True


def _space(policy, written):
    names = list(policy.windows)
    combos = (dict(zip(names, combo)) for combo in
              itertools.product(*(_possible_states(policy.windows[n]) for n in names)))
    return [(c, [c]) for c in combos if _feasible(policy, c)]


def _fact(ctx):
    case = ctx.case
    return WindowStates(ctx.policy.windows, case.order, ctx.line, case.request.submitted_at, ctx.policy.timezone)


CONDITION = Condition(
    key="window", fact="windows",
    field=lambda: fields.Dict(keys=fields.String(), values=Choice(WINDOW_STATES, "window state")),
    fact_of=_fact, test=_test, space=_space,
    refs=lambda value, doc: [(name, list(doc["windows"]), "windows") for name in value])
