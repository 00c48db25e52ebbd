"""`order.placed_in`: the month the order was placed in, in the shop's time zone (jan ... dec)."""
from integration.policy.conditions.base import Condition, choices, member_of
from integration.policy.conditions.folding import folded

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

CONDITION = Condition(
    key="placed_in", fact="placed_in", field=choices(MONTHS, "month"), default="jan", scope="order",
    fact_of=lambda ctx: MONTHS[ctx.case.order.placed_at.astimezone(ctx.policy.timezone).month - 1],
    test=lambda value: member_of("placed_in", value),
    space=lambda policy, written: folded(MONTHS, written))
