"""How much: the money a decision refunds, exact to the currency's minor unit, never more than was paid."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from integration.domain.case import Case
from integration.domain.vocabulary import GOODS_RESOLUTIONS, PARCEL_TIMINGS
from integration.money import ZERO, floor_minor, to_minor
from integration.policy.fees import FeeCharge, charge_fees, line_value, own_charges, within
from integration.policy.judge import LineVerdict
from integration.policy.model import Fee, Policy

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Refund:
    currency: str
    items: Decimal = ZERO
    shipping: Decimal = ZERO
    deductions: Decimal = ZERO
    tax: Decimal = ZERO
    method: str | None = None
    timing: str = "none"
    due_within_business_days: int | None = None
    deductions_waivable: bool = False
    deductions_pending_inspection: bool = False
    bonus: Decimal = ZERO   # store credit only: credited on top of the total, never paid out
    fees: tuple[FeeCharge, ...] = ()   # each fee applied; they add up to deductions less unpaid
    unpaid: Decimal = ZERO  # withheld (within deductions): the part of the refund the customer has not paid yet

    @property
    def total(self) -> Decimal:
        """items + shipping + tax - deductions, never negative (deductions are taken on the pre-tax price)."""
        return max(self.items + self.shipping + self.tax - self.deductions, ZERO)


def pays_money(verdict: LineVerdict) -> bool:
    """True when the line is (or would be) granted with money rather than goods."""
    return verdict.outcome != "denied" and verdict.resolution not in GOODS_RESOLUTIONS | {"none"}


def line_tax(verdict: LineVerdict, currency: str) -> Decimal:
    """The tax the customer paid on the requested units, to the minor unit half up as the platforms prorate a
    line's tax (the refund action pays the platform's own figure)."""
    return to_minor(verdict.line.unit_tax * verdict.quantity, currency)


def line_deduction(policy: Policy, verdict: LineVerdict, currency: str) -> tuple[Decimal, Fee | None, bool]:
    """(the line's own deduction, its first fee, pending); per-order fees and tiers are in Refund.fees."""
    return own_charges(policy, None, verdict, currency)


def _whole_order(case: Case, paying: list[LineVerdict]) -> bool:
    asked = {}
    for v in paying:
        asked[v.line.id] = asked.get(v.line.id, 0) + v.quantity
    # Units refunded before are gone: the rest of the order coming back is the whole order coming back.
    return all(asked.get(li.id, 0) >= li.open_quantity for li in case.order.line_items)


def _shipping(case: Case, paying: list[LineVerdict]) -> Decimal:
    modes = {v.terms.refund_shipping for v in paying}
    if "yes" in modes or ("whole_order" in modes and _whole_order(case, paying)):
        return case.order.shipping_paid
    return ZERO


def compute_refund(policy: Policy, case: Case, verdicts: list[LineVerdict], lead: LineVerdict,
                   return_required: bool) -> Refund:
    """The refund for every line granted with money; zero when the resolution hands back goods."""
    currency = case.order.currency
    paying = [v for v in verdicts if pays_money(v)]
    if not paying:
        return Refund(currency)
    open_lines = case.order.line_items
    paid_for_lines = floor_minor(sum((li.unit_price * li.open_quantity for li in open_lines), ZERO), currency)
    items = min(sum((line_value(v, currency) for v in paying), ZERO), paid_for_lines)
    shipping = floor_minor(_shipping(case, paying), currency)
    tax = sum((line_tax(v, currency) for v in paying), ZERO) + (case.order.shipping_tax if shipping else ZERO)
    charges, pending = charge_fees(policy, case, paying, currency)
    charges = within(charges, items + shipping)
    terms = lead.terms if pays_money(lead) else paying[0].terms
    method = "store_credit" if lead.resolution == "store_credit" else terms.method
    timing = terms.timing or ("after_inspection" if return_required else "on_approval")
    if timing in PARCEL_TIMINGS and not return_required:   # no parcel to wait for
        timing = "on_approval"
    refund = Refund(currency, items, shipping, sum((c.amount for c in charges), ZERO), to_minor(tax, currency),
                    method, timing, terms.within_business_days, any(c.fee.up_to and c.amount > 0 for c in charges),
                    pending, fees=charges)
    return _with_bonus(_within_paid(refund, case.order.amount_paid), terms.credit_bonus_percent)


def _within_paid(refund: Refund, amount_paid: Decimal | None) -> Refund:
    """Never refund what was not paid (say only a deposit): the total is at most amount_paid less the fees."""
    # What the items, shipping and tax come to above amount_paid is withheld, as `unpaid`, within the deductions.
    if amount_paid is None:
        return refund
    gross = refund.items + refund.shipping + refund.tax
    unpaid = min(max(gross - floor_minor(amount_paid, refund.currency), ZERO), gross - refund.deductions)
    if unpaid <= 0:
        return refund
    return replace(refund, deductions=refund.deductions + unpaid, unpaid=unpaid)


def _with_bonus(refund: Refund, percent: Decimal) -> Refund:
    """Store credit's bonus: `percent` of the credited total, rounded down to the minor unit."""
    if refund.method != "store_credit" or not percent:
        return refund
    return replace(refund, bonus=floor_minor(refund.total * percent / _HUNDRED, refund.currency))
