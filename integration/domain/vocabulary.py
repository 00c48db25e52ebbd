"""The closed vocabularies of the decision contract, shared by cases, policies and decisions."""

REQUEST_TYPES = ("return", "exchange", "cancellation", "warranty", "edit")
# What an `edit` request changes on an order not yet shipped (integration/requests/edits.py carries it out).
EDIT_KINDS = ("address", "variant", "personalisation")
REASONS = (
    "damaged_in_transit", "defective", "wrong_item", "not_as_described", "changed_mind",
    "ordered_wrong_variant", "cosmetic_variation", "late_delivery", "other",
)
CONDITIONS = ("sealed", "unused", "used", "modified", "damaged")
# A request item whose condition nobody has reported or inspected yet.
UNKNOWN_CONDITION = "unknown"
PREFERRED_RESOLUTIONS = ("refund", "exchange", "store_credit", "replacement")
RESOLUTIONS = ("refund", "replacement", "repair", "exchange", "store_credit", "cancel_and_refund", "edit")
EVIDENCE_KINDS = ("photos", "video", "description", "order_number")
OUTCOMES = ("approved", "denied", "needs_evidence", "needs_review")
PAYERS = ("merchant", "customer")
REFUND_TIMINGS = ("on_approval", "after_inspection", "on_return_scan", "on_return_delivered")
# Timings that wait for the return parcel's tracking: its first carrier scan, or its delivery back to the shop.
PARCEL_TIMINGS = {"on_return_scan": "in_transit", "on_return_delivered": "delivered"}
REFUND_METHODS = ("original_payment", "store_credit")
RESTOCK = ("never", "unused", "always")   # put returned units back on sale: never, only unused/sealed ones, all

# An approved edit changes the order before it ships: no money back, nothing returned.
EDIT_RESOLUTION = "edit"
# Resolutions that hand goods rather than money back to the customer (an edit: the order's own goods, changed).
GOODS_RESOLUTIONS = frozenset({"replacement", "repair", "exchange", EDIT_RESOLUTION})
# Resolutions that need the wanted variant or product in stock.
STOCK_RESOLUTIONS = frozenset({"replacement", "exchange"})
