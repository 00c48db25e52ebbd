"""Fees: what each granted line, or the request once, is charged; exact to the currency's minor unit, rounded down."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from integration.domain.case import Case, LineItem
from integration.domain.vocabulary import UNKNOWN_CONDITION
from integration.money import ZERO, floor_minor
from integration.policy.calendar import Calendar, elapsed_days
from integration.policy.judge import LineVerdict
from integration.policy.model import Fee, Policy, TierStep
from integration.policy.windows import anchor_time

_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class FeeCharge:
    """One fee applied: to a line (line_item_id), or once to the request (line_item_id None)."""
    fee: Fee
    amount: Decimal
    clause: str | None
    schedule: str = ""
    line_item_id: str | None = None
    title: str | None = None
    step: TierStep | None = None   # tiers: the step that applies (None: no step reached yet)
    day: int | None = None         # tiers: the request's day, counted from the anchor
    pending: bool = False          # waits on a fact not known yet: the label's cost, the tiers' anchor

    @property
    def label(self) -> str:
        """The fee's name in the decision: its label, else its schedule's name."""
        return self.fee.label or self.schedule

    @property
    def percent(self) -> Decimal | None:
        """The percentage charged (the step's for tiers), None for a fixed amount."""
        if self.fee.tiers is not None:
            return self.step.percent if self.step else None
        return None if self.fee.base == "fixed" else self.fee.percent


@dataclass(frozen=True, slots=True)
class _Pick:
    key: tuple[str, str, int]   # (schedule, condition key, place in the list): one fee of the policy
    fee: Fee
    verdict: LineVerdict
    clause: str | None


def line_value(verdict: LineVerdict, currency: str) -> Decimal:
    """What the customer paid for the requested units, rounded down: never more than was paid."""
    return floor_minor(verdict.line.unit_price * verdict.quantity, currency)


def fee_clause(policy: Policy, verdict: LineVerdict) -> str | None:
    """The clause of what named the line's fee schedule: the last adjustment that set it, else the rule."""
    for adj in reversed(policy.adjustments):
        if adj.id in verdict.adjustments and "deductions" in adj.changes:
            return adj.clause or None
    return verdict.rule.clause or None


def _picks(policy: Policy, verdict: LineVerdict) -> tuple[list[_Pick], bool]:
    """The fees the line's condition selects, and whether its fee waits on a condition not known yet."""
    name = verdict.terms.deductions or ""
    schedule = policy.fees.get(name, {})
    condition = verdict.facts.condition
    key = condition if condition in schedule else "any"
    fee = schedule.get(key)
    if fee is None:
        return [], bool(schedule) and condition == UNKNOWN_CONDITION
    clause = fee_clause(policy, verdict)
    return [_Pick((name, key, i), f, verdict, clause) for i, f in enumerate((fee, *fee.also))], False


@lru_cache(maxsize=256)
def _elapsed(since: datetime, at: datetime, tz: ZoneInfo, cal: Calendar | None) -> int:
    """elapsed_days, once per anchor for all the fees and lines that count from it (business days walk each day)."""
    return elapsed_days(since, at, tz, cal)


def tier_step(fee: Fee, policy: Policy, case: Case, line: LineItem | None) -> tuple[TierStep | None, int | None, bool]:
    """(the step that applies, the request's day, pending): pending while the anchor has not happened."""
    tiers = fee.tiers
    since = anchor_time(tiers.anchor, case.order, line)
    if since is None:
        return None, None, True
    cal = policy.calendar if tiers.unit == "business_days" else None
    day = _elapsed(since, case.request.submitted_at, policy.timezone, cal)
    step = None
    for candidate in tiers.steps:
        if candidate.from_day <= day:
            step = candidate
    return step, day, False


def _base(fee: Fee, case: Case, value: Decimal, currency: str) -> Decimal | None:
    """What the fee is charged on (None: not known yet); `fixed` and `items` are the lines' value."""
    if fee.base == "label":
        cost = case.request.return_label_cost
        return None if cost is None else floor_minor(cost, currency)
    if fee.base == "items_and_shipping":
        return value + floor_minor(case.order.shipping_paid, currency)
    if fee.base == "order_total":
        goods = sum((li.unit_price * li.quantity for li in case.order.line_items), ZERO)
        return floor_minor(goods + case.order.shipping_paid, currency)
    return value   # the lines' value: needs no case


def fee_amount(fee: Fee, base: Decimal, count: int, percent: Decimal | None, currency: str) -> Decimal:
    """The fee on `base` for `count` units (1 unless per unit): within floor and ceiling, rounded down, <= base."""
    # A fee that comes to nothing (a 0 % step) stays nothing whatever its floor.
    raw = fee.amount * count if fee.base == "fixed" else base * (percent or ZERO) / _HUNDRED
    if fee.floor is not None and raw > 0:
        raw = max(raw, fee.floor * count)
    if fee.ceiling is not None:
        raw = min(raw, fee.ceiling * count)
    return min(floor_minor(raw, currency), base)


def _charge(policy: Policy, case: Case, picks: list[_Pick], currency: str) -> FeeCharge:
    """One fee on its lines: one line (per unit or line), or every line that selected it (per order)."""
    fee, first = picks[0].fee, picks[0].verdict
    own = fee.per != "order"
    value = sum((line_value(p.verdict, currency) for p in picks), ZERO)
    base = _base(fee, case, value, currency)
    step, day, pending = (None, None, False)
    if fee.tiers is not None:
        step, day, pending = tier_step(fee, policy, case, first.line if own else None)
    percent = (step.percent if step else ZERO) if fee.tiers is not None else fee.percent
    count = first.quantity if fee.per == "unit" else 1
    amount = ZERO if base is None or pending else fee_amount(fee, base, count, percent, currency)
    return FeeCharge(fee, amount, picks[0].clause, picks[0].key[0], first.item.line_item_id if own else None,
                     first.line.title if own else None, step, day, pending or base is None)


def charge_fees(policy: Policy, case: Case, paying: list[LineVerdict], currency: str
                ) -> tuple[tuple[FeeCharge, ...], bool]:
    """(each line's fees in order, then each once-per-request fee once; whether any waits on a fact not known)."""
    charges, once, pending = [], {}, False
    for verdict in paying:
        picks, unknown = _picks(policy, verdict)
        pending = pending or unknown
        for pick in picks:
            if pick.fee.per == "order":
                once.setdefault(pick.key, []).append(pick)
            else:
                charges.append(_charge(policy, case, [pick], currency))
    charges += [_charge(policy, case, picks, currency) for picks in once.values()]
    return tuple(charges), pending or any(c.pending for c in charges)


def within(charges: tuple[FeeCharge, ...], cap: Decimal) -> tuple[FeeCharge, ...]:
    """The charges cut, in order, so that together they never exceed `cap` (what is refunded)."""
    out, left = [], cap
    for charge in charges:
        take = min(charge.amount, left)
        out.append(charge if take == charge.amount else replace(charge, amount=take))
        left -= take
    return tuple(out)


def own_charges(policy: Policy, case: Case | None, verdict: LineVerdict, currency: str
                ) -> tuple[Decimal, Fee | None, bool]:
    """(the line's own fees, the first fee its schedule selects, pending); per-order fees are in Refund.fees."""
    # Without the case, tiers (which count from the order's dates) are left pending.
    picks, pending = _picks(policy, verdict)
    total = ZERO
    for pick in picks:
        if pick.fee.per == "order":
            continue
        if case is None and pick.fee.tiers is not None:
            pending = True
            continue
        charge = _charge(policy, case, [pick], currency)
        total, pending = total + charge.amount, pending or charge.pending
    return min(total, line_value(verdict, currency)), (picks[0].fee if picks else None), pending
