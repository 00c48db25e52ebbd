"""The decision as the contract's JSON object (decision.schema.json), plus fields the contract allows us to add."""
from __future__ import annotations

from integration.money import format_amount
from integration.policy.decision import Decision
from integration.policy.fees import FeeCharge
from integration.policy.resolution import restocks


def refund_json(decision: Decision) -> dict:
    """The contract's `refund` object, with our additions after the contract's fields."""
    r = decision.refund
    cur = r.currency
    return {
        "currency": cur, "items": format_amount(r.items, cur), "shipping": format_amount(r.shipping, cur),
        "tax": format_amount(r.tax, cur), "deductions": format_amount(r.deductions, cur), "total": format_amount(r.total, cur),
        "method": r.method, "timing": r.timing, "due_within_business_days": r.due_within_business_days,
        "deductions_waivable": r.deductions_waivable,
        "deductions_pending_inspection": r.deductions_pending_inspection,
        "fees": [fee_json(charge, cur) for charge in r.fees],
        **({"unpaid": format_amount(r.unpaid, cur)} if r.unpaid else {}),
    }


def fee_json(charge: FeeCharge, currency: str) -> dict:
    """One fee applied (our addition): its line (null: once per request), name, amount, clause, and tiers' step."""
    out = {"line_item_id": charge.line_item_id, "label": charge.label, "amount": format_amount(charge.amount, currency),
           "clause": charge.clause}
    if charge.fee.tiers is not None:
        step = charge.step
        out["step"] = {"from_day": step.from_day, "percent": f"{step.percent.normalize():f}"} if step else None
        out["day"] = charge.day
    if charge.pending:
        out["pending"] = True
    return out


def lines_json(decision: Decision) -> list[dict]:
    """One entry per requested line: how the policy judged it."""
    return [{"line_item_id": v.item.line_item_id, "quantity": v.quantity,
             "item_class": v.facts.item_class if v.facts else None, "outcome": v.outcome,
             "rule": v.rule.id, "resolution": v.resolution if v.outcome != "denied" else "none",
             "restock": restocks(v)}
            for v in decision.lines]


def decision_json(decision: Decision) -> dict:
    """The decision as a JSON-ready dict, keys in the contract's order."""
    out = {"case_id": decision.case_id} if decision.case_id is not None else {}
    out.update({
        "outcome": decision.outcome,
        "resolution": decision.resolution,
        "resolution_options": list(decision.resolution_options),
        "return_required": decision.return_required,
        "return_shipping_paid_by": decision.return_shipping_paid_by,
        "evidence_required": list(decision.evidence_required),
        "evidence_missing": list(decision.evidence_missing),
        "refund": refund_json(decision),
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "rules": list(decision.rules),
        "explanation": decision.explanation,
        "policy": {"id": decision.policy_id, "version": decision.policy_version},
        "lines": lines_json(decision),
    })
    if decision.refund.method == "store_credit":   # our addition: the credit and its bonus, apart from money
        r = decision.refund
        out["credit"] = {"amount": format_amount(r.total, r.currency), "bonus": format_amount(r.bonus, r.currency),
                         "currency": r.currency}
    if decision.label_expires_after_days:   # our addition, only when the policy sets it
        out["return_label_expires_after_days"] = decision.label_expires_after_days
    if decision.exchange:   # our addition, only when the policy sets an exchange's terms
        out["exchange"] = dict(zip(("instant", "pay_difference"), decision.exchange))
    if decision.delivery_assumed_after_days:   # our addition: the delivery it counted from was assumed
        out["delivery_assumed"], out["delivery_assumed_after_days"] = True, decision.delivery_assumed_after_days
    return out
