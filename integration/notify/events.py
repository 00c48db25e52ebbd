"""The steps a request announces: which email each sends, which webhooks carry it, and what makes it the same step."""
from __future__ import annotations

EVENTS = ("request.received", "request.decided", "action.succeeded", "action.failed", "refund.issued",
          "return.in_transit", "return.delivered", "exchange.shipped")
# What a merchant's endpoint may subscribe to (and `test`, sent by the settings page's button only).
WEBHOOK_EVENTS = ("request.decided", "action.succeeded", "action.failed", "refund.issued", "return.delivered")
TEST_EVENT = "test"

# The customer's emails, one per step, in the order a request meets them.
EMAIL_STEPS = ("received", "needs_evidence", "approved", "denied", "refunded", "parcel_received", "exchange_shipped")
# The emails a platform that opens returns of its own (Shopify, notifyCustomer) already sends.
PLATFORM_SENT_STEPS = ("approved", "denied")

# The field of an announcement's data that tells one step of its kind from another on the same request;
# None: the event happens once per request. A decision is one step per outcome, so deciding again with the
# same outcome (after evidence, an inspection) tells nobody twice.
_KEY_FIELDS = {"request.received": None, "request.decided": "outcome", "action.succeeded": "action_id",
               "action.failed": "action_id", "refund.issued": "action_id", "return.in_transit": None,
               "return.delivered": None, "exchange.shipped": "action_id"}
_OUTCOME_STEPS = {"approved": "approved", "denied": "denied", "needs_evidence": "needs_evidence"}
_EVENT_STEPS = {"request.received": "received", "refund.issued": "refunded", "return.delivered": "parcel_received",
                "exchange.shipped": "exchange_shipped"}


class UnknownEvent(ValueError):
    """An announcement of an event returnkit does not have."""


def check_event(event: str) -> None:
    """Raise UnknownEvent naming the events there are."""
    if event not in EVENTS:
        raise UnknownEvent(f"event: {event!r} is not one of {', '.join(EVENTS)}")


def step_key(event: str, data: dict) -> str:
    """What tells this step from another of the same event on the same request (`key` in the data wins)."""
    if data.get("key") is not None:
        return str(data["key"])[:100]
    field = _KEY_FIELDS[event]
    return "" if field is None else str(data.get(field) or "")[:100]


def email_step(event: str, data: dict) -> str | None:
    """The customer email this announcement sends, or None (merchant-only events, a decision left to review)."""
    if event == "request.decided":
        return _OUTCOME_STEPS.get(data.get("outcome"))
    return _EVENT_STEPS.get(event)
