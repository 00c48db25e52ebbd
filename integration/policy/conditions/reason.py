"""`reason`: why the customer asks (defective, changed mind...); a request without one reads as "other"."""
from integration.domain.vocabulary import REASONS
from integration.policy.conditions.base import Condition, choices, member_of
from integration.policy.conditions.folding import folded

CONDITION = Condition(
    key="reason", fact="reason", field=choices(REASONS, "reason"),
    fact_of=lambda ctx: ctx.case.request.reason or "other",
    test=lambda value: member_of("reason", value),
    space=lambda policy, written: folded(REASONS, written))
