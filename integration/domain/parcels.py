"""A return parcel's progress, in carrier-free terms: the label bought, the first carrier scan, delivered back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The steps a return parcel goes through, in order; a step once reached is never undone. A parcel whose label
# was not used in time (the policy's `label_expires_after_days`) is "expired" instead, and stays so.
STEPS = ("label_created", "in_transit", "delivered")


@dataclass(frozen=True)
class ParcelUpdate:
    """What a carrier's tracker says now: which label, and when each step was reached (None: not yet)."""
    tracker_id: str
    shipment_id: str | None
    tracking_code: str | None
    status: str                      # the carrier service's own status word, for the merchant's eyes
    scanned_at: datetime | None      # the first carrier scan
    delivered_at: datetime | None    # delivered back to the shop


def step_index(step: str | None) -> int:
    """How far along a step is (-1 for none or expired)."""
    return STEPS.index(step) if step in STEPS else -1
