"""`scope`: whether the request is for the whole order (it names no items, or every unit still open) or some lines."""
from collections import Counter

from integration.contract.fields import Choice
from integration.policy.conditions.base import Condition, each

SCOPES = ("whole_order", "some_lines")


def _scope(ctx) -> str:
    items, lines = ctx.case.request.items, ctx.case.order.line_items
    asked = Counter()
    for item in items:
        asked[item.line_item_id] += item.quantity
    whole = not items or all(asked[li.id] >= li.open_quantity for li in lines)
    return "whole_order" if whole else "some_lines"


CONDITION = Condition(
    key="scope", fact="request_scope", field=lambda: Choice(SCOPES, "scope"), default="some_lines",
    fact_of=_scope,
    test=lambda value: (lambda f: f.request_scope == value),
    space=lambda policy, written: each(SCOPES if any(written) else SCOPES[1:]))
