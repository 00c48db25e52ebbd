"""`order.destination_country`: the order ships to one of these countries (ISO codes)."""
from integration.policy.conditions.base import Condition, each, member_of, strings

CONDITION = Condition(
    key="destination_country", fact="destination_country", field=strings, scope="order",
    fact_of=lambda ctx: ctx.case.order.destination_country,
    test=lambda value: member_of("destination_country", value),
    space=lambda policy, written: each([None] + [c for cs in written for c in cs]))
