"""`packaging`: whether the item comes back in its original packaging (original, not_original), or unknown."""
from integration.domain.case import PACKAGING
from integration.policy.conditions.base import Condition, choices, member_of
from integration.policy.conditions.folding import folded

_ALL = PACKAGING + ("unknown",)

CONDITION = Condition(
    key="packaging", fact="packaging", field=choices(_ALL, "packaging"), default="unknown",
    fact_of=lambda ctx: ctx.item.packaging or "unknown",
    test=lambda value: member_of("packaging", value),
    space=lambda policy, written: folded(_ALL, written))
