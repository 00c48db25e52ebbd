"""`line_value`: the requested units' value (unit price times the units asked for), in the order's currency."""
from decimal import Decimal

from integration.contract.fields import Money
from integration.policy.conditions.base import Condition, each
from integration.policy.conditions.thresholds import cut_points, threshold


def _value(ctx) -> Decimal:
    line, item = ctx.line, ctx.item
    units = min(item.quantity, line.open_quantity) if line.open_quantity else item.quantity
    return line.unit_price * units


CONDITION = Condition(
    key="line_value", fact="line_value", field=threshold(Money, '"20.00"'), default=Decimal(0),
    fact_of=_value,
    test=lambda bound: (lambda f: bound.holds(f.line_value)),
    space=lambda policy, written: each(cut_points([t for ts in written for t in ts], Decimal(0), unknown=False)))
