"""A whole-order cancellation that goes ahead for some lines: which lines stay on the order, in words."""
from __future__ import annotations

from typing import TYPE_CHECKING

from integration.domain.case import Case

if TYPE_CHECKING:
    from integration.policy.decision import Decision


def whole_order_cancellation(case: Case) -> bool:
    """True for a cancellation that names no lines (it asks for the whole order)."""
    return case.request.type == "cancellation" and not case.request.items


def kept_lines_sentence(case: Case, decision: Decision) -> list[str]:
    """Names the lines a whole-order cancellation keeps on the order, when it goes ahead for the others."""
    if not whole_order_cancellation(case) or decision.outcome == "denied":
        return []
    kept = [f"\"{v.line.title}\"" for v in decision.lines if v.outcome == "denied" and v.line is not None]
    if not kept:
        return []
    names = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " and " + kept[-1]
    verb = "stays" if len(kept) == 1 else "stay"
    return [f"{names} {verb} on the order: the cancellation covers only the other lines."]
