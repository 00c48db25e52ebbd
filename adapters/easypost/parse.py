"""EasyPost Event webhooks about a Tracker, as a ParcelUpdate.

An Event (https://docs.easypost.com/docs/events) carries the object it is about in `result`; for
`tracker.created` and `tracker.updated` that is a Tracker (https://docs.easypost.com/docs/trackers): its
`status` now (unknown, pre_transit, in_transit, out_for_delivery, delivered, available_for_pickup,
return_to_sender, failure, cancelled, error), its `shipment_id`, and the carrier's scans in `tracking_details`,
each with its own status and datetime (UTC when the carrier gives no place).
"""
from __future__ import annotations

from adapters.common import PayloadError, field, maybe_when
from integration.domain.parcels import ParcelUpdate

# Statuses only a parcel in the carrier's hands can have: the first of them is the first scan.
SCANNED = frozenset({"in_transit", "out_for_delivery", "available_for_pickup", "delivered", "return_to_sender",
                     "failure"})


def _tracker(payload: dict) -> dict:
    if field(payload, "object") != "Event":
        raise PayloadError(f"object: {payload.get('object')!r} is not an EasyPost Event")
    tracker = field(payload, "result")
    if field(tracker, "object") != "Tracker":
        raise PayloadError(f"result.object: {tracker.get('object')!r} is not a Tracker")
    return tracker


def _first_at(tracker: dict, statuses) -> object:
    """When the first tracking detail with one of `statuses` happened; the tracker's own time when none says."""
    times = [maybe_when(d.get("datetime"), "result.tracking_details[].datetime", naive_is_utc=True)
             for d in tracker.get("tracking_details") or () if d.get("status") in statuses]
    times = [t for t in times if t is not None]
    if times:
        return min(times)
    if tracker.get("status") in statuses:
        return maybe_when(tracker.get("updated_at") or tracker.get("created_at"), "result.updated_at",
                          naive_is_utc=True)
    return None


def parse_tracker_event(payload: dict) -> list[ParcelUpdate]:
    """One update for the tracker the event is about."""
    tracker = _tracker(payload)
    return [ParcelUpdate(str(field(tracker, "id")), tracker.get("shipment_id"), tracker.get("tracking_code"),
                         str(tracker.get("status") or "unknown"), _first_at(tracker, SCANNED),
                         _first_at(tracker, {"delivered"}))]
