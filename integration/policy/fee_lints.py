"""`returnkit policy check` on fees: tier steps never reached (findings), fees that can outgrow a price (warnings)."""
from __future__ import annotations

from collections.abc import Iterator

from integration.money import ZERO
from integration.policy.model import Fee, Policy


def _fees(policy: Policy) -> Iterator[tuple[str, Fee]]:
    """(path in the document, fee) for every fee of every schedule."""
    for name, schedule in policy.fees.items():
        for condition, first in schedule.items():
            fees = (first, *first.also)
            for i, fee in enumerate(fees):
                yield f"fees.{name}.{condition}" + (f"[{i}]" if len(fees) > 1 else ""), fee


def _unreachable(path: str, fee: Fee) -> list[str]:
    """A step is never the one that applies when a later step starts on its day or earlier."""
    steps = fee.tiers.steps if fee.tiers else ()
    out = []
    for i, step in enumerate(steps):
        later = next((j for j in range(i + 1, len(steps)) if steps[j].from_day <= step.from_day), None)
        if later is not None:
            out.append(f"{path}.tiers.steps[{i}]: from day {step.from_day} never applies, as steps[{later}] "
                       f"(from day {steps[later].from_day}) comes after it; list the steps by increasing from_day, "
                       "each day once")
    return out


def fee_findings(policy: Policy) -> list[str]:
    """Fees written so that part of them can never apply."""
    return [line for path, fee in _fees(policy) for line in _unreachable(path, fee)]


def _outgrows(fee: Fee) -> str | None:
    if fee.base == "fixed" and fee.ceiling is None and fee.amount > 0:
        each = "per unit" if fee.per == "unit" else f"per {fee.per}"
        return (f"a fixed {fee.amount} {each} can be more than the price it is charged on (it is then cut to the "
                "price); use `percent`, or add a `ceiling`")
    if fee.floor is not None and fee.floor > ZERO and fee.base == "items":
        return (f"the floor {fee.floor} can be more than a cheap item's price (the fee is then cut to the price); "
                "lower it, or leave it out")
    return None


def fee_warnings(policy: Policy) -> list[str]:
    """Fees that can come to more than a cheap item's price; the engine then cuts them to the price."""
    return [f"{path}: {what}" for path, fee in _fees(policy) if (what := _outgrows(fee)) is not None]
