"""A return the merchant approved or declined in the platform's own admin (Shopify's returns/approve and
returns/decline), while returnkit waited for their review: recorded as the merchant's decision, at once."""
from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.registry import ADAPTERS
from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Decision, ReturnCase
from integration.domain import events as ev
from integration.orders.as_case import decision_case
from integration.policy.engine import decide_as_merchant
from integration.requests.decide import find_case, policy_for, record_decision
from integration.requests.review import WAITING

# The platform return's new status -> the merchant's outcome it stands for.
PLATFORM_OUTCOMES = {"open": "approved", "declined": "denied"}
REASON = "decided in {title} admin"


def decided_on_platform(decision_document: dict) -> str | None:
    """The platform whose admin the standing merchant decision was taken in (as its review records it), if any."""
    return (decision_document.get("review") or {}).get("platform")


def _waiting_case(session: Session, shop: Shop, event: ev.ReturnSeen) -> ReturnCase | None:
    case = find_case(session, shop, f"{shop.platform}_return", event.return_id)
    latest = case.decisions[-1] if case is not None and case.decisions else None
    return case if latest is not None and latest.outcome in WAITING else None


def record_platform_decision(session: Session, shop: Shop, event: ev.ReturnSeen) -> Decision | None:
    """The merchant's decision taken in the platform's admin on a request waiting for them; the plan sends no
    approval or decline back (outbox/plan.py), the platform has it. None when no request waits on that return."""
    outcome = PLATFORM_OUTCOMES.get(event.status)
    case = _waiting_case(session, shop, event) if outcome and shop.active else None
    if case is None:
        return None
    title = ADAPTERS[shop.platform].title
    reason, previous = REASON.format(title=title), case.decisions[-1]
    version, policy = policy_for(session, shop)
    order = session.get(Order, case.order_pk)
    contract_case = load_case(decision_case(session, shop, order, case.request, case_id=str(case.id)))
    decided = decide_as_merchant(policy, contract_case, outcome, reason)
    review = {"outcome": outcome, "by": f"{title} admin", "reason": reason, "at": utcnow().isoformat(),
              "platform": shop.platform,
              "suggested": {"outcome": previous.outcome, "rules": previous.document.get("rules", [])}}
    document = {**decision_json(decided), "review": review}
    return record_decision(session, shop, case, order, version, document, f"merchant:{title} admin")
