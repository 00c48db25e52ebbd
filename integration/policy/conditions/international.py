"""`order.international`: the order ships to another country than the shop's."""
from integration.policy.conditions.base import Condition, boolean, both, is_value

CONDITION = Condition(
    key="international", fact="international", field=boolean, default=False, scope="order",
    fact_of=lambda ctx: ctx.case.order.is_international,
    test=is_value("international"),
    space=lambda policy, written: both(any(written)))
