"""What happens next, in the customer's words: the label or where to send the parcel, the deadline,
when the money comes back, and what is still needed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import object_session

from integration.notify.reach import can_email
from integration.requests.evidence_kinds import kind_words
from integration.runtime import SETTINGS_INFO
from integration.shops.returns_setup import labels_ready, return_address_text

_EVIDENCE_WORDS = {"photos": "photos of the item", "video": "a short video showing the problem",
                   "description": "a few words describing what happened", "order_number": "your order number"}
_GOODS = {"replacement": "a replacement", "exchange": "your exchange", "repair": "the repaired item"}
_WAITS_FOR = {"after_inspection": "Once the item arrives and passes inspection",
              "on_return_scan": "Once the carrier scans your return parcel",
              "on_return_delivered": "Once your return parcel is delivered back to the shop"}


def _deadline(decision: dict) -> str | None:
    if not decision.get("deadline"):
        return None
    at = datetime.fromisoformat(decision["deadline"])   # already in the shop's zone (the contract says so)
    return f"{at:%A} {at.day} {at:%B}"


def _label(decision_row) -> dict | None:
    for action in decision_row.actions:
        if action.kind == "return_label" and action.state == "succeeded" and action.result:
            return {"url": action.result.get("label_url"), "tracking": action.result.get("tracking_code")}
    return None


def _credit(decision: dict, decision_row) -> dict | None:
    """The store credit given, once its action succeeded: the coupon code where the platform gives one (WooCommerce),
    the amount and the policy's bonus apart."""
    for action in decision_row.actions:
        if action.kind == "refund" and action.state == "succeeded" and action.payload.get("method") == "store_credit":
            credit = decision.get("credit") or {}
            return {"code": (action.result or {}).get("store_credit"), "currency": credit.get("currency"),
                    "amount": credit.get("amount") or action.payload.get("amount"), "bonus": credit.get("bonus")}
    return None


def _emailed(order, case) -> bool:
    """Whether a promise to email the customer can be kept: a mail server (not the local outbox), an address."""
    session = object_session(case) if case is not None else None
    return can_email(session.info.get(SETTINGS_INFO) if session is not None else None, order)


def _prepaid_steps(shop, decision_row, address: str | None) -> list[str]:
    """The shop pays: the label once bought, a label to come only when the shop's labels are set up."""
    if _label(decision_row):
        return ["Print the prepaid return label below, stick it on the parcel and drop it off."]
    if shop is not None and labels_ready(shop):
        return ["The shop pays for the return: your prepaid label is being prepared and will appear on your "
                "request page."]
    # No label account: the shop sends its own instructions (the order is tagged for it), so promise no label.
    where = f" to {address}" if address else ""
    return [f"The shop pays for the return: wait for its instructions before sending the item(s) back{where}."]


def _shipping_steps(shop, decision: dict, decision_row) -> list[str]:
    if not decision.get("return_required"):
        return []
    by = f", by {_deadline(decision)}." if _deadline(decision) else "."
    address = return_address_text(shop) if shop is not None else None
    if decision.get("return_shipping_paid_by") == "merchant":
        return _prepaid_steps(shop, decision_row, address)
    if not address:   # shown again with the address as soon as the shop sets one
        return ["The shop has not given its return address yet: come back to your request page for it, then "
                f"send the item(s) at your own cost, with your order number inside the parcel{by}"]
    return [f"Send the item(s) to {address}, at your own cost, with your order number inside the parcel{by}"]


def _money_steps(decision: dict) -> list[str]:
    refund = decision.get("refund") or {}
    if decision.get("resolution") == "edit":
        return ["The shop changes your order as you asked, before it ships."]
    if decision.get("resolution") in _GOODS:
        return [f"The shop will send {_GOODS[decision['resolution']]}."]
    if not refund or refund.get("total", "0").strip("0.") == "":
        return []
    where = "to your original payment method" if refund.get("method") == "original_payment" else "as store credit"
    days = refund.get("due_within_business_days")
    when = f" within {days} business days" if days else ""
    if refund.get("timing") in _WAITS_FOR:
        return [f"{_WAITS_FOR[refund['timing']]}, {refund['total']} {refund['currency']} comes back {where}{when}."]
    return [f"{refund['total']} {refund['currency']} comes back {where}{when}."]


def next_steps(shop, order, case, decision_row) -> dict:
    """The steps to show under a decision, and the prepaid label when one was bought."""
    decision = decision_row.document
    outcome = decision["outcome"]
    credit = _credit(decision, decision_row) if outcome == "approved" else None
    if outcome == "approved":
        money = ["Your store credit is ready: it is shown below."] if credit else _money_steps(decision)
        steps = _shipping_steps(shop, decision, decision_row) + money
    elif outcome == "needs_evidence":
        words = kind_words(object_session(case), shop)   # the merchant's own kinds, in the merchant's words
        # Never the order number: the customer proved the order with it, and the request carries it already.
        wanted = [_EVIDENCE_WORDS.get(kind) or words.get(kind, kind) for kind in decision.get("evidence_required", [])
                  if kind != "order_number"]
        steps = [f"To decide, the shop needs {', '.join(wanted) or 'more information'}. Send it below."]
    elif outcome == "needs_review":
        steps = [("The shop will look at your request itself and answer you by email." if _emailed(order, case)
                  else "The shop will look at your request itself: check this page for its answer.")]
    else:
        steps = []
    return {"steps": steps, "label": _label(decision_row) if outcome == "approved" else None, "credit": credit}
