"""`type`: the kind of request (return, exchange, warranty, cancellation...)."""
from integration.domain.vocabulary import REQUEST_TYPES
from integration.policy.conditions.base import Condition, choices, each, member_of

CONDITION = Condition(
    key="type", fact="type", field=choices(REQUEST_TYPES, "request type"),
    fact_of=lambda ctx: ctx.case.request.type,
    test=lambda value: member_of("type", value),
    space=lambda policy, written: each(REQUEST_TYPES))
