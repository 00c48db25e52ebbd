"""`type`: the kind of request (return, exchange, warranty, cancellation, edit)."""
from integration.domain.vocabulary import REQUEST_TYPES
from integration.policy.conditions.base import Condition, choices, each, member_of

CONDITION = Condition(
    key="type", fact="type", field=choices(REQUEST_TYPES, "request type"),
    fact_of=lambda ctx: ctx.case.request.type,
    test=lambda value: member_of("type", value),
    # Edits are opt-in: a policy that names no edit does not take them, and `policy check` does not ask it to.
    space=lambda policy, written: each(t for t in REQUEST_TYPES if t != "edit" or any("edit" in w for w in written)))
