"""Edit requests at the door: a shop takes them only when its policy has a rule for them (`type: [edit]`)."""
from __future__ import annotations

from integration.policy.conditions import request_type


def takes_edits(policy) -> bool:
    """True when some rule of the policy names edit requests (the customer page then offers "Change my order")."""
    return any("edit" in request_type.CONDITION.written_in(rule.get("when") or {})
               for rule in (policy.document or {}).get("rules", ()))


def edit_refused(policy, request: dict) -> str | None:
    """Why an edit request cannot be taken under this policy ('path: message'), or None."""
    if request.get("type") == "edit" and not takes_edits(policy):
        return ("request.type: this shop does not take changes to orders through returnkit (its policy has no rule "
                "for `edit` requests); contact the shop")
    return None
