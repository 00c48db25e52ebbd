"""`edit_kind`: what an edit request changes (address, variant, personalisation); None for other requests."""
from integration.domain.vocabulary import EDIT_KINDS
from integration.policy.conditions.base import Condition, choices, member_of
from integration.policy.conditions.folding import folded

CONDITION = Condition(
    key="edit_kind", fact="edit_kind", field=choices(EDIT_KINDS, "edit kind"),
    fact_of=lambda ctx: ctx.case.request.edit.kind if ctx.case.request.edit is not None else None,
    test=lambda value: member_of("edit_kind", value),
    # Not an edit (None) is a kind of its own, folded with the edit kinds no rule names.
    space=lambda policy, written: folded(EDIT_KINDS + (None,), written) if any(written) else [(None, [None])])
