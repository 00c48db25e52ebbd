"""`condition`: the state the customer says the item is in (sealed, used, damaged...), or unknown."""
from integration.domain.vocabulary import CONDITIONS, UNKNOWN_CONDITION
from integration.policy.conditions.base import Condition, choices, member_of
from integration.policy.conditions.folding import folded

_ALL = CONDITIONS + (UNKNOWN_CONDITION,)

CONDITION = Condition(
    key="condition", fact="condition", field=choices(_ALL, "condition"),
    fact_of=lambda ctx: ctx.item.condition or UNKNOWN_CONDITION,
    test=lambda value: member_of("condition", value),
    space=lambda policy, written: folded(_ALL, written))
