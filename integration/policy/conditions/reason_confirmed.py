"""`reason_confirmed`: the inspection confirmed (true) or rejected (false) the reason; unknown matches neither."""
from integration.policy.conditions.base import Condition, boolean, each, is_value

CONDITION = Condition(
    key="reason_confirmed", fact="reason_confirmed", field=boolean,
    fact_of=lambda ctx: ctx.case.request.reason_confirmed,
    test=is_value("reason_confirmed"),
    space=lambda policy, written: each((None, False, True) if any(written) else (None,)))
