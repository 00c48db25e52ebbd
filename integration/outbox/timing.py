"""When a decision's refund is due: at approval, after inspection, or at a step of the return parcel."""
from __future__ import annotations

from integration.domain.parcels import step_index
from integration.domain.vocabulary import PARCEL_TIMINGS


def refund_due(timing: str, source: dict) -> bool:
    """True when a refund with this timing is due now; `source` says whether the items were inspected and how
    far the return parcel has come (`parcel`: in_transit | delivered). An inspection releases every timing."""
    if timing == "on_approval":
        return True
    if timing in PARCEL_TIMINGS:
        reached = step_index(source.get("parcel")) >= step_index(PARCEL_TIMINGS[timing])
        return reached or bool(source.get("inspected"))
    return timing == "after_inspection" and bool(source.get("inspected"))
