"""Plain words for the merchant and the customer, quoting the merchant's own clauses."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from integration.domain.case import Case
from integration.money import format_amount
from integration.policy.evidence_kinds import in_a_sentence
from integration.policy.fee_words import fees_sentence, nothing_refunded, pending_sentences, tier_sentences
from integration.policy.kept import kept_lines_sentence
from integration.policy.model import Policy

if TYPE_CHECKING:
    from integration.policy.decision import Decision
    from integration.policy.judge import LineVerdict

_HEADLINES = {"approved": "Approved", "denied": "Denied", "needs_evidence": "More evidence needed",
              "needs_review": "Left to the merchant's review"}
_EVIDENCE = {"photos": "photos", "video": "a video", "description": "a short description of the issue",
             "order_number": "the order number"}
_RESOLUTION = {"refund": "a refund", "replacement": "a replacement", "repair": "a repair",
               "exchange": "an exchange", "store_credit": "store credit",
               "cancel_and_refund": "cancelling the order with a refund", "edit": "the change to your order"}
_REFUND_WHEN = {"after_inspection": "once the item arrives and passes inspection",
                "on_return_scan": "once the carrier scans your return parcel",
                "on_return_delivered": "once your return parcel is delivered back to us"}


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _because(policy: Policy, verdict: LineVerdict) -> str:
    """The rule's own words and its clause; a rule without words is named by its clause, never by its id."""
    rule = verdict.rule
    clause = policy.clauses.get(rule.clause, "").strip()
    if rule.explain:
        text = rule.explain.rstrip(".")
        return f"{text} (\"{clause}\")" if clause else text
    if clause:
        return f"the policy says \"{clause}\""
    return "no rule of the policy fits this request" if rule.id == "otherwise" else f"the rule on {_key(rule.id)}"


def _key(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").strip()


def _money_sentence(decision: Decision) -> str:
    r = decision.refund
    if r.timing == "none":
        return ""
    cur = r.currency
    parts = [f"items {format_amount(r.items, cur)}"]
    if r.shipping:
        parts.append(f"original shipping {format_amount(r.shipping, cur)}")
    if fees := r.deductions - r.unpaid:
        parts.append(f"less {'up to ' if r.deductions_waivable else ''}{format_amount(fees, cur)} in fees")
    if r.unpaid:
        parts.append(f"less {format_amount(r.unpaid, cur)} not yet paid")
    where = "as store credit" if r.method == "store_credit" else "to the original payment method"
    when = _REFUND_WHEN.get(r.timing, "once approved")
    due = f", within {r.due_within_business_days} business days" if r.due_within_business_days else ""
    # Only an approved decision grants money; a pending one says what it would be.
    head = "Refund:" if decision.outcome == "approved" else "If approved, the refund would be"
    return f"{head} {format_amount(r.total, cur)} {cur} ({', '.join(parts)}) {where}, {when}{due}."


def _terms_sentences(decision: Decision) -> list[str]:
    out = []
    nothing = nothing_refunded(decision)   # fees take it all: said instead of the resolution and the refund
    if decision.resolution != "none" and nothing is None:
        others = [_RESOLUTION[o] for o in decision.resolution_options if o != decision.resolution]
        also = f" (also possible: {_listing(others)})" if others else ""
        head = "Resolution" if decision.outcome == "approved" else "Resolution if approved"
        out.append(f"{head}: {_RESOLUTION[decision.resolution]}{also}.")
    out += [nothing] if nothing else []
    if decision.return_required:
        out.append("Return shipping is on us: we provide a prepaid label." if decision.return_shipping_paid_by
                   == "merchant" else "Return shipping is yours to pay; we send the return address and instructions.")
    elif decision.resolution not in ("none", "cancel_and_refund", "edit"):
        out.append("You do not need to send the item back.")
    money = "" if nothing else _money_sentence(decision)
    return (out + ([money] if money else []) + fees_sentence(decision) + tier_sentences(decision)
            + pending_sentences(decision))


def _other_lines(policy: Policy, decision: Decision, lead: LineVerdict) -> list[str]:
    out = []
    for v in decision.lines:
        if v is lead or v.outcome == decision.outcome:
            continue
        title = v.line.title if v.line else f"line {v.item.line_item_id}"
        out.append(f"\"{title}\": {_HEADLINES[v.outcome].lower()}, because {_because(policy, v)}.")
    return out


def _assumed_delivery(decision: Decision) -> list[str]:
    """Says so when the delivery date the windows counted from was assumed, not reported by a carrier."""
    days = decision.delivery_assumed_after_days
    if not days:
        return []
    return [f"The delivery date was assumed: {days} day{'s' if days != 1 else ''} after shipping (the shop's "
            f"setting), as no carrier or tracking plugin reported the delivery."]


def _day_and_time(moment: datetime, policy: Policy) -> str:
    """A moment in the policy's zone as people write it: "4 Jun 2026, 23:59" (the decision's deadline stays ISO)."""
    local = moment.astimezone(policy.timezone)
    return f"{local.day} {local:%b %Y, %H:%M}"


def explain(policy: Policy, case: Case, decision: Decision) -> str:
    """The decision in plain words: outcome, the clause that decided it, and what happens next."""
    lead = next(v for v in decision.lines if v.outcome == decision.outcome)
    sentences = [f"{_HEADLINES[decision.outcome]}: {_because(policy, lead)}."]
    if decision.evidence_missing:
        missing = _listing([_EVIDENCE.get(k) or in_a_sentence(policy.evidence_kinds[k].label)
                            for k in decision.evidence_missing])
        sentences.append(f"Please send {missing} with your request so it can be decided.")
    if decision.outcome != "denied":
        sentences.extend(_terms_sentences(decision))
    if decision.deadline is not None:
        verb = "closed" if decision.deadline < case.request.submitted_at else "closes"
        sentences.append(f"The window {verb} on {_day_and_time(decision.deadline, policy)} ({policy.timezone.key}).")
    sentences.extend(_other_lines(policy, decision, lead))
    sentences.extend(kept_lines_sentence(case, decision))
    sentences.extend(_assumed_delivery(decision))
    for adj in policy.adjustments:
        if adj.id in decision.rules and adj.explain:
            clause = policy.clauses.get(adj.clause, "")
            sentences.append(f"{adj.explain.rstrip('.')} (\"{clause.strip()}\").")
    return " ".join(sentences)


def explain_merchant(decision: Decision, because: str) -> str:
    """Plain words for a decision the merchant made on review: their reason, then what happens next."""
    headline = "Approved" if decision.outcome == "approved" else "Denied"
    sentences = [f"{headline} by the merchant on review: {because.strip().rstrip('.')}."]
    if decision.outcome != "denied":
        sentences.extend(_terms_sentences(decision))
    sentences.extend(_assumed_delivery(decision))
    return " ".join(sentences)
