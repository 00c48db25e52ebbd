"""`order.value`: the order's goods value (unit price times quantity, over every line), in its currency."""
from decimal import Decimal

from integration.contract.fields import FieldName, Money
from integration.policy.conditions.base import Condition, each
from integration.policy.conditions.thresholds import cut_points, threshold

_FIELD = threshold(Money, '"150.00"')

CONDITION = Condition(
    # A FieldName key: error paths keep `value`, which they would otherwise read as marshmallow's slot for a value.
    key="value", fact="order_value", field=lambda: _FIELD(data_key=FieldName("value")), default=Decimal(0),
    scope="order",
    fact_of=lambda ctx: sum((li.unit_price * li.quantity for li in ctx.case.order.line_items), Decimal(0)),
    test=lambda bound: (lambda f: bound.holds(f.order_value)),
    space=lambda policy, written: each(cut_points([t for ts in written for t in ts], Decimal(0), unknown=False)))
