"""`inspected`: the merchant has inspected the returned items."""
from integration.policy.conditions.base import Condition, boolean, each, is_value

CONDITION = Condition(
    key="inspected", fact="inspected", field=boolean, default=False,
    fact_of=lambda ctx: ctx.case.request.inspected,
    test=is_value("inspected"),
    space=lambda policy, written: each((False, True)))
