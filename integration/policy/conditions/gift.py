"""`order.gift`: the order was a gift."""
from integration.policy.conditions.base import Condition, boolean, both, is_value

CONDITION = Condition(
    key="gift", fact="gift", field=boolean, default=False, scope="order",
    fact_of=lambda ctx: ctx.case.order.is_gift,
    test=is_value("gift"),
    space=lambda policy, written: both(any(written)))
