"""The policy engine: decide(policy, case) -> Decision. Deterministic, pure, platform-free."""
from __future__ import annotations

from decimal import localcontext
from datetime import datetime

from integration.domain.case import Case
from integration.policy.decision import Decision
from integration.policy.explain import explain, explain_merchant
from integration.policy.judge import LineVerdict, judge_line, overrule, requested_items
from integration.policy.merchant_choice import Choice, chosen_verdict, partial, partial_words
from integration.policy.model import Policy
from integration.policy.refund import compute_refund

# Which line outcome speaks for a request that mixes outcomes. A return, and a whole-order cancellation, goes
# ahead for the lines the policy grants (pending lines first: they still need something; a cancellation's denied
# lines stay on the order); a whole-order edit is one change, possible only when every line allows it.
_REQUEST_PRECEDENCE = ("needs_evidence", "needs_review", "approved", "denied")
_WHOLE_ORDER_PRECEDENCE = ("denied", "needs_evidence", "needs_review", "approved")


def combined_outcome(case: Case, verdicts: list[LineVerdict]) -> str:
    """One outcome for the request from its lines' outcomes."""
    whole = case.request.type == "edit" and not case.request.items   # an address: one change for all lines
    order = _WHOLE_ORDER_PRECEDENCE if whole else _REQUEST_PRECEDENCE
    return min((v.outcome for v in verdicts), key=order.index)


def _return_terms(case: Case, lead: LineVerdict, verdicts: list[LineVerdict]) -> tuple[bool, str | None]:
    if lead.outcome == "denied" or lead.resolution in ("cancel_and_refund", "edit"):
        return False, None
    granted = [v for v in verdicts if v.outcome != "denied"]
    required = lead.terms.return_required
    if required is None:
        required = case.request.type in ("return", "exchange")
    if not required:
        return False, None
    payers = {v.terms.shipping_paid_by for v in granted if v.terms.return_required is not False}
    return True, "merchant" if "merchant" in payers else lead.terms.shipping_paid_by or "customer"


def _deadline(lead: LineVerdict) -> datetime | None:
    """The end of the first window the deciding rule names (when it has one)."""
    for name in lead.rule.windows:
        if lead.facts is not None and (deadline := lead.facts.windows.deadline(name)) is not None:
            return deadline
    return None


def _rule_ids(verdicts: list[LineVerdict], lead: LineVerdict) -> tuple[str, ...]:
    ids = [lead.rule.id]
    for v in verdicts:
        for rid in (v.rule.id, *v.adjustments):
            if rid not in ids:
                ids.append(rid)
    return tuple(ids)


def _precision(case: Case) -> int:
    """Enough significant digits for this case's amounts (the default 28 overflow on huge amounts)."""
    amounts = [li.unit_price for li in case.order.line_items] + [case.order.shipping_paid]
    widest = max(a.adjusted() for a in amounts if a) if any(amounts) else 0
    units = max(len(str(li.quantity)) for li in case.order.line_items)
    return max(28, widest + units + 30)


def decide(policy: Policy, case: Case) -> Decision:
    """Apply the policy to one case and say what it decides, and why."""
    with localcontext() as ctx:
        ctx.prec = _precision(case)
        return _decide(policy, case)


def _decide(policy: Policy, case: Case) -> Decision:
    decision = _assemble(policy, case, [judge_line(policy, case, item) for item in requested_items(case)])
    decision.explanation = explain(policy, case, decision)
    return decision


def decide_as_merchant(policy: Policy, case: Case, outcome: str, because: str, choice: Choice | None = None
                       ) -> Decision:
    """The merchant's own decision (approved or denied): every line of the order gets that outcome, with the
    policy's terms, refund and deadline for it, or the merchant's chosen resolution or partial refund; the
    explanation gives the merchant's reason."""
    with localcontext() as ctx:
        ctx.prec = _precision(case)
        verdicts = [overrule(policy, case, judge_line(policy, case, item), outcome) for item in requested_items(case)]
        if choice is not None:
            verdicts = [chosen_verdict(v, choice) for v in verdicts]
        decision = _assemble(policy, case, verdicts)
        if choice is not None and choice.amount is not None and decision.outcome == "approved":
            decision.refund = partial(decision.refund, choice.amount)
            decision.explanation = partial_words(because, decision.refund, decision.return_required,
                                                 decision.return_shipping_paid_by)
        else:
            decision.explanation = explain_merchant(decision, because)
        return decision


def _assemble(policy: Policy, case: Case, verdicts: list[LineVerdict]) -> Decision:
    """The request's decision from its lines' verdicts (the explanation is left to the caller)."""
    outcome = combined_outcome(case, verdicts)
    lead = next(v for v in verdicts if v.outcome == outcome)
    granted = outcome != "denied"
    return_required, payer = _return_terms(case, lead, verdicts)
    refund = compute_refund(policy, case, verdicts if granted else [], lead, return_required)
    return Decision(
        case.id, outcome, lead.resolution if granted else "none", lead.options if granted else (),
        return_required, payer, lead.rule.evidence if granted else (), lead.evidence_missing,
        refund, _deadline(lead), _rule_ids(verdicts, lead), "", tuple(verdicts), policy.id, policy.version,
        lead.terms.label_expires_after_days if return_required else None, _exchange_terms(lead, granted),
        case.order.delivery_assumed_after_days)


def _exchange_terms(lead: LineVerdict, granted: bool) -> tuple[bool, bool] | None:
    """An exchange's (instant, pay_difference) terms, when the policy sets either."""
    terms = lead.terms
    if not granted or lead.resolution != "exchange" or not (terms.exchange_instant or terms.exchange_pay_difference):
        return None
    return terms.exchange_instant, terms.exchange_pay_difference
