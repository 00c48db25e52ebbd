"""EasyPost's Event descriptions we handle (https://docs.easypost.com/docs/events), and the known ones we ignore."""
from adapters.easypost import parse

TOPICS = {
    "tracker.created": parse.parse_tracker_event,
    "tracker.updated": parse.parse_tracker_event,
}

IGNORED_TOPICS = frozenset({
    "batch.created", "batch.updated", "scan_form.created", "scan_form.updated", "insurance.purchased",
    "insurance.cancelled", "payment.created", "payment.completed", "payment.failed", "refund.successful",
    "report.new", "report.empty", "report.available", "report.failed", "shipment.invoice.created",
    "shipment.invoice.updated", "shipment.label.created", "pickup.updated",
})
