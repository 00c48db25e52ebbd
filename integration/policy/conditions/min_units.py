"""`order.min_units`: the order holds at least this many units (bulk orders)."""
from integration.contract.fields import Int
from integration.policy.conditions.base import Condition, each

CONDITION = Condition(
    key="min_units", fact="units", field=lambda: Int(minimum=1), default=1, scope="order",
    fact_of=lambda ctx: ctx.case.order.units,
    test=lambda n: (lambda f: f.units >= n),
    space=lambda policy, written: each(sorted({1}.union(*written))))
