"""Fees in plain words: each fee applied with its line and clause, tiers with the step that applies now."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from integration.domain.vocabulary import UNKNOWN_CONDITION
from integration.money import format_amount
from integration.policy.fees import FeeCharge
from integration.policy.model import Fee, Tiers

if TYPE_CHECKING:
    from integration.policy.decision import Decision

# A label that already says what it is keeps its words; any other gets " fee" ("restocking" -> "restocking fee").
_NOUNS = ("fee", "deposit", "charge", "cost", "label", "penalty")
_OF = {"items_and_shipping": " of the items and shipping", "order_total": " of the order total",
       "label": " of the return label"}
_ANCHORS = {"purchase": "the purchase", "delivery": "delivery", "production_start": "production started",
            "shipment": "shipment", "event": "the event date"}
_PER = {"unit": "item", "line": "order line", "order": "order"}
_NOTHING = {"cancel_and_refund": "Cancelling the order", "refund": "Refund", "store_credit": "Store credit"}


def percent_text(percent: Decimal) -> str:
    """'15', '12.5': a percentage as the merchant writes it."""
    return f"{percent.normalize():f}"


def fee_name(label: str) -> str:
    """A fee's label as a noun: 'restocking' -> 'restocking fee', 'non-refundable deposit' stays."""
    words = label.replace("_", " ").strip()
    return words if any(noun in words.lower() for noun in _NOUNS) else f"{words} fee"


def charge_name(charge: FeeCharge) -> str:
    """The fee's name in a sentence: its label as a noun, else 'fee (<schedule>)'."""
    return fee_name(charge.fee.label) if charge.fee.label else f"fee ({charge.schedule.replace('_', ' ')})"


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _what(charge: FeeCharge, currency: str) -> str:
    """The fee as charged: '15 % restocking fee', '5.00 damage fee per unit', 'return label at cost'."""
    fee, name = charge.fee, charge_name(charge)
    if fee.base == "fixed":
        return f"{format_amount(fee.amount, currency)} {name}{' per unit' if fee.per == 'unit' else ''}"
    if fee.base == "label" and charge.percent == 100:
        return f"{name} at cost"
    return f"{percent_text(charge.percent or Decimal(0))} % {name}{_OF.get(fee.base, '')}{_bounds(fee, currency)}"


def _bounds(fee, currency: str) -> str:
    """' (at least 5.00 per unit)': the floor and ceiling that may have set the amount rather than the percentage."""
    each = " per unit" if fee.per == "unit" else ""
    limits = [f"at least {format_amount(fee.floor, currency)}{each}"] if fee.floor is not None else []
    limits += [f"at most {format_amount(fee.ceiling, currency)}{each}"] if fee.ceiling is not None else []
    return f" ({', '.join(limits)})" if limits else ""


def _charged(charge: FeeCharge, currency: str) -> str:
    on = f" on \"{charge.title}\"" if charge.title else ""
    clause = f" (clause \"{charge.clause}\")" if charge.clause else ""
    up_to = "up to " if charge.fee.up_to else ""
    return f"{_what(charge, currency)}{on}: {up_to}{format_amount(charge.amount, currency)}{clause}"


def fees_sentence(decision: Decision) -> list[str]:
    """'Fees: 15 % restocking fee on "Mug": 7.35 (clause "returns"); ...' naming every line's fee, when any."""
    r = decision.refund
    charged = [c for c in r.fees if c.amount > 0]
    if not charged or r.timing == "none":
        return []
    return [f"Fees: {'; '.join(_charged(c, r.currency) for c in charged)}."]


def _steps(tiers: Tiers) -> str:
    steps, parts, first = tiers.steps, [], True
    for i, step in enumerate(steps):
        pct = percent_text(step.percent)
        if step.percent == 0:
            later = steps[i + 1].from_day if i + 1 < len(steps) else None
            parts.append(f"no fee before day {later}" if i == 0 and later is not None else f"no fee from day "
                                                                                          f"{step.from_day}")
        elif first:
            parts.append(f"a {pct} % fee applies from day {step.from_day}")
        else:
            parts.append(f"{pct} % from day {step.from_day}")
        first = first and step.percent == 0
    return "; ".join(parts)


def _counted(tiers: Tiers) -> tuple[str, str]:
    """('days' or 'business days', the anchor in words)."""
    since = _ANCHORS.get(tiers.anchor) or tiers.anchor.removeprefix("milestone.").replace("_", " ")
    return ("business days" if tiers.unit == "business_days" else "days"), since


def describe_fee(fee: Fee) -> str:
    """A fee and the rest of its list in words: '15 % of the item price (at least 5.00) plus the return label...'."""
    return " plus ".join(_described(f) for f in (fee, *fee.also))


def _described(fee: Fee) -> str:
    if fee.tiers is not None:
        unit, since = _counted(fee.tiers)
        words = f"by {unit} since {since}: {_steps(fee.tiers)}"
    elif fee.base == "fixed":
        words = f"{fee.amount:f} per {_PER[fee.per]}"
    elif fee.base == "label" and fee.percent == 100:
        words = "the return label at cost"
    else:
        words = f"{percent_text(fee.percent)} % {_OF.get(fee.base, 'of the item price').strip()}"
    limits = [f"at least {fee.floor:f}"] if fee.floor is not None else []
    limits += [f"at most {fee.ceiling:f}"] if fee.ceiling is not None else []
    return f"{'up to ' if fee.up_to else ''}{words}{' (' + ', '.join(limits) + ')' if limits else ''}"


def _tier_sentence(charge: FeeCharge) -> str:
    unit, since = _counted(charge.fee.tiers)
    name = charge_name(charge)
    head = f"{name[0].upper() + name[1:]}, by {unit} since {since}: {_steps(charge.fee.tiers)}."
    if charge.pending:
        return f"{head} The day is counted once {since} is known."
    if charge.step is None or charge.step.percent == 0:
        return f"{head} This request is on day {charge.day}, so no fee applies."
    return f"{head} This request is on day {charge.day}, so the {percent_text(charge.step.percent)} % fee applies."


def tier_sentences(decision: Decision) -> list[str]:
    """One sentence per tiered fee (and day): its steps, and which one applies to this request."""
    out: list[str] = []
    for charge in decision.refund.fees:
        if charge.fee.tiers is not None and (sentence := _tier_sentence(charge)) not in out:
            out.append(sentence)
    return out


def pending_sentences(decision: Decision) -> list[str]:
    """What the fees still wait on: the item's condition, the return label's cost."""
    r = decision.refund
    out = []
    waits_on_charge = any(c.pending for c in r.fees)
    unknown = any(v.facts is not None and v.facts.condition == UNKNOWN_CONDITION for v in decision.lines)
    if r.deductions_pending_inspection and (unknown or not waits_on_charge):
        out.append("Fees depend on the item's condition at inspection.")
    if any(c.pending and c.fee.base == "label" for c in r.fees):
        out.append("The return label's cost is deducted once the label is bought.")
    return out


def _phrase(charge: FeeCharge, currency: str) -> str:
    """'a 100 % cancellation fee', 'a 350.00 setup fee', 'the return label at cost'."""
    what = _what(charge, currency)
    return f"the {what}" if charge.fee.base == "label" else f"a {what}"


def nothing_refunded(decision: Decision) -> str | None:
    """'Cancelling the order: a 100 % cancellation fee applies, so nothing is refunded.' when fees take it all."""
    r = decision.refund
    if r.timing == "none" or r.total > 0 or not r.deductions or decision.resolution not in _NOTHING:
        return None
    causes = list(dict.fromkeys(_phrase(c, r.currency) for c in r.fees if c.amount > 0))   # one per kind of fee
    approved = decision.outcome == "approved"
    so = "so nothing is refunded" if approved else "so nothing would be refunded"
    why = f"{_listing(causes)} {'applies' if len(causes) == 1 else 'apply'}" if causes else "the order is not paid yet"
    if causes and r.unpaid:
        why += ", and the rest is not paid yet"
    why += f", {so}"
    head = _NOTHING[decision.resolution]
    return f"{head}: {why}." if approved else f"If approved, {head[0].lower() + head[1:]}: {why}."
