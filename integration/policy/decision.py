"""The engine's answer to one case: what it decided, on which terms, and why."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from integration.policy.judge import LineVerdict
from integration.policy.refund import Refund


@dataclass(slots=True)
class Decision:
    case_id: str | None
    outcome: str
    resolution: str
    resolution_options: tuple[str, ...]
    return_required: bool
    return_shipping_paid_by: str | None
    evidence_required: tuple[str, ...]
    evidence_missing: tuple[str, ...]
    refund: Refund
    deadline: datetime | None
    rules: tuple[str, ...]
    explanation: str
    lines: tuple[LineVerdict, ...]
    policy_id: str
    policy_version: str | None
    label_expires_after_days: int | None = None   # an unused prepaid label closes the request after these days
    exchange: tuple[bool, bool] | None = None   # an exchange's (instant, pay_difference) terms, when either is set
    delivery_assumed_after_days: int | None = None   # decided on a delivery assumed this long after shipping
