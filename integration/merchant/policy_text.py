"""The customer-facing return policy, written from the policy itself: clauses quoted, windows in words.

Nothing here is per preset: every sentence comes from the compiled policy (its clauses, windows,
rules, fees and defaults), so the published text changes when the policy does.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field

from integration.policy.evidence_kinds import EvidenceKind, in_a_sentence
from integration.policy.fee_words import describe_fee
from integration.policy.model import Fee, Policy, Rule, Window

_ANCHORS = {"delivery": "delivery", "purchase": "purchase", "production_start": "the start of production",
            "shipment": "shipping", "event": "your event date"}
_UNTIL = {"production_start": "until production starts", "shipment": "until it ships",
          "event": "until your event date"}
_EVIDENCE = {"photos": "photos", "video": "a video", "description": "a short description of the issue",
             "order_number": "your order number"}
_RESOLUTIONS = {"refund": "a refund", "replacement": "a replacement", "repair": "a repair",
                "exchange": "an exchange", "store_credit": "store credit",
                "cancel_and_refund": "cancellation with a full refund", "edit": "a change to the order"}


@dataclass
class Section:
    """A heading and its blocks: ("p", text), ("quote", text) or ("list", [texts])."""
    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)


def _listing(words: list[str], joiner: str = "and") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _length(unit: str, length: int) -> str:
    noun = unit.replace("_", " ")
    return f"{length} {noun[:-1] if length == 1 else noun}"


def _anchor(anchor: str) -> str:
    """An anchor in words: 'delivery', 'the day it ships', 'the proof sent stage'."""
    if anchor.startswith("milestone."):
        return f"the {anchor.split('.', 1)[1].replace('_', ' ')} stage"
    return _ANCHORS.get(anchor, anchor)


def window_words(window: Window) -> str:
    """A window in words: '30 days from delivery', 'until production starts', 'until 14 days before your event',
    'from purchase until 31 January'."""
    if window.until:
        return _UNTIL.get(window.until) or f"until {_anchor(window.until)}"
    if window.ends_on:
        month, day = window.ends_on
        words = f"from {_anchor(window.anchor)} until {day} {calendar.month_name[month]}"
    elif window.before:
        words = f"until {_length(window.unit, window.length)} before {_anchor(window.anchor)}"
    else:
        words = f"{_length(window.unit, window.length)} from {_anchor(window.anchor)}"
    if window.fallback:
        words += f" ({window_words(window.fallback)} when the {_anchor(window.anchor)} date is not known)"
    return words


def _label(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").capitalize()


def fee_words(fee: Fee) -> str:
    """A fee in words: 'up to 10% of the item price', '5.00 per item'; the fee algebra's forms (tiers, a base other
    than the item, floors and ceilings, several fees) as the engine describes them."""
    if fee.tiers is not None or fee.also or fee.floor is not None or fee.ceiling is not None \
            or fee.base not in ("items", "fixed") or fee.per == "order":
        return describe_fee(fee)
    up_to = "up to " if fee.up_to else ""
    if fee.percent is not None:
        return f"{up_to}{fee.percent.normalize():f}% of the item price" if fee.percent else "no fee"
    return f"{up_to}{fee.amount:f} per {'item' if fee.per == 'unit' else 'order line'}"


def _shipping_words(rule: Rule) -> str | None:
    terms = rule.terms
    if rule.decide == "deny" or terms.return_required is False or terms.resolutions == ("cancel_and_refund",):
        return None
    if terms.shipping_paid_by == "merchant":
        return "We pay return shipping and send you a prepaid label."
    if terms.return_required or terms.shipping_paid_by == "customer":
        return "You pay return shipping."
    return None


def rule_sentences(rule: Rule, kinds: Mapping[str, EvidenceKind] | None = None) -> str:
    """What one rule means for the customer, in words (`kinds`: the policy's own evidence kinds, by id)."""
    verdict = {"approve": "", "deny": "Not accepted: ", "review": "Reviewed case by case: "}[rule.decide]
    reason = (rule.explain or rule.id.replace("-", " ")).rstrip(".")
    parts = [f"{verdict}{reason}." if verdict else f"{reason[:1].upper()}{reason[1:]}."]
    if rule.decide != "deny" and rule.terms.resolutions:
        parts.append(f"We offer {_listing([_RESOLUTIONS[r] for r in rule.terms.resolutions], 'or')}.")
    if rule.evidence:
        words = {k: in_a_sentence(kind.label) for k, kind in (kinds or {}).items()}
        parts.append(f"Please send {_listing([_EVIDENCE.get(k) or words.get(k, k) for k in rule.evidence])}.")
    if shipping := _shipping_words(rule):
        parts.append(shipping)
    if rule.decide != "deny" and rule.terms.deductions:
        parts.append("Fees by the item's condition apply (see Fees).")
    return " ".join(parts)


def _clause_sections(policy: Policy) -> Section:
    section = Section("Our policy")
    rules = [*policy.rules, policy.otherwise]
    for clause_id, text in policy.clauses.items():
        section.blocks.append(("quote", text.strip()))
        quoting = [rule_sentences(r, policy.evidence_kinds) for r in rules if r.clause == clause_id]
        if quoting:
            section.blocks.append(("list", quoting))
    return section


def _refund_sentence(policy: Policy) -> str:
    defaults = policy.otherwise.terms
    where = "as store credit" if defaults.method == "store_credit" else "to your original payment method"
    when = {"after_inspection": " after we receive and inspect the item",
            "on_approval": " once your request is approved",
            "on_return_scan": " once the carrier scans your return parcel",
            "on_return_delivered": " once your return parcel is delivered back to us"}.get(defaults.timing or "", "")
    due = f" within {defaults.within_business_days} business days" if defaults.within_business_days else ""
    return f"Refunds are paid {where}{due}{when}."


def published_sections(policy: Policy) -> list[Section]:
    """The published policy as sections: time limits, each clause with what it means, fees, refunds."""
    sections = []
    if policy.windows:
        sections.append(Section("Time limits", [("list", [f"{_label(w.name)}: {window_words(w)}."
                                                          for w in policy.windows.values()])]))
    sections.append(_clause_sections(policy))
    for name, schedule in policy.fees.items():
        fees = [f"{'Any other condition' if c == 'any' else _label(c)}: {fee_words(f)}." for c, f in schedule.items()]
        sections.append(Section(f"Fees ({_label(name).lower()})", [("list", fees)]))
    sections.append(Section("Refunds", [("p", _refund_sentence(policy))]))
    return sections


def to_markdown(policy: Policy, sections: list[Section]) -> str:
    """The published policy as Markdown."""
    out = [f"# {policy.name}", ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        for kind, body in section.blocks:
            if kind == "quote":
                out += [f"> {line}" for line in str(body).splitlines()]
            elif kind == "list":
                out += [f"- {item}" for item in body]
            else:
                out.append(str(body))
            out.append("")
    return "\n".join(out).rstrip() + "\n"
