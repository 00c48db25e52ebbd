"""`window`: whether the request falls inside, outside or (anchor unknown) outside knowledge of named windows."""
from __future__ import annotations

import itertools

from marshmallow import fields

from integration.contract.fields import Choice
from integration.policy.conditions.base import Condition, all_of
from integration.policy.windows import WindowStates

WINDOW_STATES = ("inside", "outside", "unknown")
_IN_MONTHS = {"months": 1, "years": 12}


def _test(states: dict):
    return all_of([lambda f, n=name, s=state: f.windows[n] == s for name, state in states.items()])


def _possible_states(window) -> tuple[str, ...]:
    if window.until or window.anchor == "purchase":
        return ("inside", "outside")
    if window.fallback:   # unknown only when the fallback's anchor can be
        return tuple(dict.fromkeys(("inside", "outside") + _possible_states(window.fallback)))
    return ("inside", "outside", "unknown")


def _nests(a, b) -> bool:
    """True when, on one anchor, `a` being open means `b` is open too (what cannot be shown counts as not)."""
    if a.ends_on or b.ends_on:
        return a.ends_on == b.ends_on and a.before == b.before
    if a.before or b.before:   # counting back: the longer count closes first
        return a.before and b.before and a.unit == b.unit and a.length >= b.length
    if a.unit in _IN_MONTHS and b.unit in _IN_MONTHS:
        return a.length * _IN_MONTHS[a.unit] <= b.length * _IN_MONTHS[b.unit]
    # N business days always reach at least N calendar days.
    return (a.unit == b.unit or (a.unit, b.unit) == ("days", "business_days")) and a.length <= b.length


def _feasible(policy, states: dict[str, str]) -> bool:
    """Windows on the same anchor share its unknown state, and nest where one provably closes no later."""
    for a, b in itertools.permutations(policy.windows.values(), 2):
        if a.anchor and a.anchor == b.anchor and not a.fallback and not b.fallback:
            if (states[a.name] == "unknown") != (states[b.name] == "unknown"):
                return False
            if states[a.name] == "inside" != states[b.name] and _nests(a, b):
                return False
    return True


def _space(policy, written):
    names = list(policy.windows)
    combos = (dict(zip(names, combo)) for combo in
              itertools.product(*(_possible_states(policy.windows[n]) for n in names)))
    return [(c, [c]) for c in combos if _feasible(policy, c)]


def _fact(ctx):
    case, policy = ctx.case, ctx.policy
    return WindowStates(policy.windows, case.order, ctx.line, case.request.submitted_at, policy.timezone,
                        policy.calendar)


CONDITION = Condition(
    key="window", fact="windows",
    field=lambda: fields.Dict(keys=fields.String(), values=Choice(WINDOW_STATES, "window state")),
    fact_of=_fact, test=_test, space=_space,
    refs=lambda value, doc: [(name, list(doc["windows"]), "windows") for name in value])
