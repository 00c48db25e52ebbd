"""What a decision does on the platform: a pure plan of actions (kind + payload), no I/O."""
from __future__ import annotations

from dataclasses import dataclass

REVIEW_TAG = "returnkit-review"
LABEL_NEEDED_TAG = "returnkit-label-needed"
_MERCHANT_SHIPS = {"replacement": "a replacement", "exchange": "the exchange", "repair": "the repaired item"}


@dataclass(frozen=True)
class PlannedAction:
    kind: str
    payload: dict


@dataclass(frozen=True)
class ReturnLogistics:
    """What the shop has set up for items coming back: a label account, a return address."""
    labels: bool = False
    address: str | None = None


def _approved_lines(decision: dict) -> list[list]:
    return [[li["line_item_id"], li["quantity"]] for li in decision["lines"] if li["outcome"] == "approved"]


def return_marker(source: dict) -> str | None:
    """The marker of the Shopify return we open for a request from our API (one per request)."""
    return f"returnkit-case-{source['case_id']}" if source.get("case_id") else None


def _return_shipping(order_id: str, source: dict, decision: dict, logistics: ReturnLogistics) -> list[PlannedAction]:
    """A prepaid label when the merchant pays (or a tag asking for one); instructions when the customer pays."""
    if decision["return_shipping_paid_by"] == "merchant":
        if logistics.labels:
            label = {"order_id": order_id, "return_id": source.get("return_id"), "lines": _approved_lines(decision)}
            if source.get("opens_return"):
                label["return_marker"] = return_marker(source)
            return [PlannedAction("return_label", label)]
        return [PlannedAction("tag_order", {"order_id": order_id, "tag": LABEL_NEEDED_TAG})]
    where = (f"to {logistics.address}" if logistics.address
             else "to the return address the shop will send you (reply to your order email)")
    text = (f"Please send the item(s) back {where}, at your own cost, with your order number {order_id} inside the "
            "parcel, and keep the tracking number.")
    return [PlannedAction("customer_note", {"order_id": order_id, "text": text})]


def _note(order_id: str, decision: dict, link: str | None) -> PlannedAction:
    outcome = decision["outcome"].replace("_", " ")
    text = f"returnkit: {outcome} ({', '.join(decision['rules'])}). {decision['explanation']}"
    return PlannedAction("order_note", {"order_id": order_id, "text": text + (f" {link}" if link else "")})


def _opens_return(platform: str, source: dict, decision: dict) -> bool:
    """An approved return or exchange from our API on Shopify gets a Shopify return of its own."""
    return (platform == "shopify" and not source.get("return_id") and bool(source.get("case_id"))
            and source.get("type") in ("return", "exchange") and bool(decision.get("return_required"))
            and not source.get("inspected"))


def _approved(platform: str, order_id: str, source: dict, decision: dict, logistics: ReturnLogistics
              ) -> list[PlannedAction]:
    out = []
    if source.get("return_id"):
        out.append(PlannedAction("approve_return", {"return_id": source["return_id"]}))
    elif _opens_return(platform, source, decision):  # before the label, which hangs off this return
        source = {**source, "opens_return": True}
        out.append(PlannedAction("create_return", {"order_id": order_id, "lines": _approved_lines(decision),
                                                   "marker": return_marker(source),
                                                   "requested_at": source.get("submitted_at")}))
    if decision.get("return_required") and decision.get("return_shipping_paid_by") and not source.get("inspected"):
        out += _return_shipping(order_id, source, decision, logistics)
    if decision["resolution"] in _MERCHANT_SHIPS:
        lines = ", ".join(f"{qty} x line {line}" for line, qty in _approved_lines(decision))
        out.append(PlannedAction("order_note", {"order_id": order_id, "text": (
            f"returnkit: ship {_MERCHANT_SHIPS[decision['resolution']]} for {lines}"
            + (" once the return arrives." if decision.get("return_required") else "."))}))
    if decision["resolution"] == "cancel_and_refund":
        out.append(PlannedAction("cancel_order", {"order_id": order_id, "refund": True, "restock": True,
                                                  "amount": decision["refund"]["total"],
                                                  "currency": decision["refund"]["currency"]}))
        return out
    refund = decision["refund"]
    due = refund["timing"] == "on_approval" or (refund["timing"] == "after_inspection" and source.get("inspected"))
    if due and refund["total"].strip("0.") != "":
        out.append(PlannedAction("refund", {"order_id": order_id, "amount": refund["total"],
                                            "currency": refund["currency"], "shipping": refund["shipping"],
                                            "lines": _approved_lines(decision)}))
    return out


def _decline_reason(source: dict, decision: dict) -> str:
    """Shopify's ReturnDeclineReason: the window closed, a final-sale item, or other."""
    if decision.get("deadline") and source.get("submitted_at") and decision["deadline"] < source["submitted_at"]:
        return "RETURN_PERIOD_ENDED"
    if any("final_sale" == line.get("item_class") for line in decision.get("lines", ())):
        return "FINAL_SALE"
    return "OTHER"


def _customer_text(decision: dict, request_page: str | None) -> str:
    if decision["outcome"] == "needs_evidence" and request_page:
        return (f"{decision['explanation']} Send it on {request_page} (your order number and email open your "
                "request there).")
    return decision["explanation"]


def plan_actions(platform: str, order_id: str, source: dict, decision: dict, link: str | None = None,
                 logistics: ReturnLogistics = ReturnLogistics(), request_page: str | None = None
                 ) -> list[PlannedAction]:
    """The platform effects of a decision, in the order they should happen; the order note (with `link`, the
    decision in the settings page) comes last; `request_page` is where the customer sends what is missing."""
    outcome = decision["outcome"]
    actions: list[PlannedAction] = []
    if outcome == "approved":
        actions += _approved(platform, order_id, source, decision, logistics)
    elif outcome == "denied" and source.get("return_id"):
        actions.append(PlannedAction("decline_return", {"return_id": source["return_id"],
                                                        "reason": _decline_reason(source, decision),
                                                        "note": decision["explanation"]}))
    elif outcome == "needs_review":
        actions.append(PlannedAction("tag_order", {"order_id": order_id, "tag": REVIEW_TAG}))
    if outcome in ("denied", "needs_evidence") and not source.get("return_id"):
        actions.append(PlannedAction("customer_note", {"order_id": order_id,
                                                       "text": _customer_text(decision, request_page)}))
    actions.append(_note(order_id, decision, link))
    return actions
