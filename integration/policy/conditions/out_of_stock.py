"""`out_of_stock`: the variant an exchange asks for is known to be out of stock."""
from integration.policy.conditions.base import Condition, boolean, each, is_value

CONDITION = Condition(
    key="out_of_stock", fact="out_of_stock", field=boolean, default=False,
    fact_of=lambda ctx: ctx.item.exchange_in_stock is False,
    test=is_value("out_of_stock"),
    space=lambda policy, written: each((False, True)))
