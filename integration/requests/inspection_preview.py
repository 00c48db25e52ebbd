"""An inspection's preview in words: per line the condition, each fee charged (label, amount, the rule that named
its schedule and that rule's clause), and what changed since the approval and which rule now decides."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from integration.money import ZERO, format_amount
from integration.policy.decision import Decision
from integration.policy.fee_words import charge_name, describe_fee
from integration.policy.fees import FeeCharge, line_value
from integration.policy.judge import LineVerdict
from integration.policy.model import Policy
from integration.policy.refund import pays_money
from integration.policy.words import rule_text

_PAYER = {"merchant": "the shop", "customer": "the customer", None: "nobody (nothing is sent back)"}


@dataclass(frozen=True)
class FeeLine:
    label: str
    words: str            # what the policy charges, e.g. "up to 90 % of the item price"
    amount: str
    rule: str | None      # the rule or adjustment that named the fee schedule (None: the merchant's own, on review)
    clause: str | None    # that rule's clause id
    quote: str | None     # the clause's text


@dataclass(frozen=True)
class LineRefund:
    line_item_id: str
    title: str
    quantity: int
    condition: str
    value: str
    deduction: str
    fees: tuple[FeeLine, ...]
    rule: str             # the rule that decides the line now
    was: str | None       # the rule that decided it before the inspection, when another one did


def _source(policy: Policy, verdict: LineVerdict) -> str:
    """The id of what named the line's fee schedule: the last adjustment that set it, else the rule (fees.fee_clause)."""
    for adj in reversed(policy.adjustments):
        if adj.id in verdict.adjustments and "deductions" in adj.changes:
            return adj.id
    return verdict.rule.id


def fee_line(policy: Policy, charge: FeeCharge, verdict: LineVerdict | None, currency: str) -> FeeLine:
    """One fee as the preview shows it."""
    words = describe_fee(replace(charge.fee, also=()))
    rule = _source(policy, verdict) if verdict is not None else None
    quote = policy.clauses.get(charge.clause) if charge.clause else None
    return FeeLine(charge_name(charge), words, format_amount(charge.amount, currency), rule, charge.clause, quote)


def preview_lines(policy: Policy, decided: Decision, before: dict | None) -> list[LineRefund]:
    """Each requested line: condition, value, its own fees with their rule and clause, the rule deciding it."""
    currency = decided.refund.currency
    was = {line["line_item_id"]: line["rule"] for line in (before or {}).get("lines", [])}
    out = []
    for verdict in decided.lines:
        paying = verdict.line is not None and pays_money(verdict)
        own = [c for c in decided.refund.fees if c.line_item_id == verdict.item.line_item_id] if paying else []
        fees = tuple(fee_line(policy, c, verdict, currency) for c in own)
        value = line_value(verdict, currency) if paying else ZERO
        before_rule = was.get(verdict.item.line_item_id)
        out.append(LineRefund(verdict.item.line_item_id, verdict.line.title if verdict.line else "(not on the order)",
                              verdict.quantity, verdict.facts.condition if verdict.facts else "",
                              format_amount(value, currency), format_amount(sum((c.amount for c in own), ZERO), currency),
                              fees, verdict.rule.id, before_rule if before_rule not in (None, verdict.rule.id) else None))
    return out


def request_fees(policy: Policy, decided: Decision) -> list[FeeLine]:
    """The fees charged once on the request (per order, on shipping or the label), each with its rule and clause."""
    currency, out = decided.refund.currency, []
    for charge in decided.refund.fees:
        if charge.line_item_id is not None:
            continue
        verdict = next((v for v in decided.lines if v.line is not None and pays_money(v)
                        and v.terms.deductions == charge.schedule), None)
        out.append(fee_line(policy, charge, verdict, currency))
    return out


def changes(policy: Policy, decided: Decision, after: dict, before: dict | None) -> list[str]:
    """What recording the inspection changes against the decision it follows, and which rule now decides why."""
    if not before:
        return []
    out = []
    if before["outcome"] != after["outcome"]:
        out.append(f"The outcome changes from {_words(before['outcome'])} to {_words(after['outcome'])}.")
    out += _money_changes(before["refund"], after["refund"])
    if before.get("return_shipping_paid_by") != after.get("return_shipping_paid_by"):
        out.append(f"Return shipping moves from {_PAYER[before.get('return_shipping_paid_by')]} to "
                   f"{_PAYER[after.get('return_shipping_paid_by')]}.")
    if before.get("resolution") != after.get("resolution"):
        out.append(f"The resolution changes from {_words(before['resolution'])} to {_words(after['resolution'])}.")
    if out:
        out.append(_deciding(policy, decided, before))
    return out


def _money_changes(before: dict, after: dict) -> list[str]:
    cur = after["currency"]
    if before["total"] == after["total"]:
        return []
    parts = [f"{name} {before[key]} → {after[key]}" for key, name in
             (("items", "items"), ("shipping", "original shipping refunded"), ("tax", "tax"), ("deductions", "fees"))
             if Decimal(before.get(key, "0")) != Decimal(after.get(key, "0"))]
    return [f"The refund goes from {before['total']} to {after['total']} {cur}"
            + (f" ({'; '.join(parts)})." if parts else ".")]


def _deciding(policy: Policy, decided: Decision, before: dict) -> str:
    lead = next(v for v in decided.lines if v.outcome == decided.outcome)
    applied = [a for a in policy.adjustments if a.id in lead.adjustments]
    rule = lead.rule
    named = "Now decided by" if before.get("rules", [None])[0] != rule.id else "Still decided by"
    words = [f"{named}: {rule_text(rule).rstrip('.')}{_quote(policy, rule.clause)}"]
    words += [f"also applies: {rule_text(a).rstrip('.')}{_quote(policy, a.clause)}" for a in applied]
    return "; ".join(words) + "."


def _quote(policy: Policy, clause: str | None) -> str:
    text = policy.clauses.get(clause, "").strip() if clause else ""
    return f" (the policy says: “{text}”)" if text else ""


def _words(value: str) -> str:
    return value.replace("_", " ")
