"""What a decision does on the platform: a pure plan of actions (kind + payload), no I/O."""
from __future__ import annotations

from dataclasses import dataclass

REVIEW_TAG = "returnkit-review"


@dataclass(frozen=True)
class PlannedAction:
    kind: str
    payload: dict


def _note(order_id: str, decision: dict, link: str | None) -> PlannedAction:
    outcome = decision["outcome"].replace("_", " ")
    text = f"returnkit: {outcome} ({', '.join(decision['rules'])}). {decision['explanation']}"
    return PlannedAction("order_note", {"order_id": order_id, "text": text + (f" {link}" if link else "")})


def _approved(platform: str, order_id: str, source: dict, decision: dict) -> list[PlannedAction]:
    out = []
    if source.get("return_id"):
        out.append(PlannedAction("approve_return", {"return_id": source["return_id"]}))
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
                                            "lines": [[li["line_item_id"], li["quantity"]] for li in decision["lines"]
                                                      if li["outcome"] == "approved"]}))
    return out


def _decline_reason(source: dict, decision: dict) -> str:
    """Shopify's ReturnDeclineReason: the window closed, a final-sale item, or other."""
    if decision.get("deadline") and source.get("submitted_at") and decision["deadline"] < source["submitted_at"]:
        return "RETURN_PERIOD_ENDED"
    if any("final_sale" == line.get("item_class") for line in decision.get("lines", ())):
        return "FINAL_SALE"
    return "OTHER"


def plan_actions(platform: str, order_id: str, source: dict, decision: dict, link: str | None = None
                 ) -> list[PlannedAction]:
    """The platform effects of a decision, in the order they should happen; the order note comes last."""
    outcome = decision["outcome"]
    actions: list[PlannedAction] = []
    if outcome == "approved":
        actions += _approved(platform, order_id, source, decision)
    elif outcome == "denied" and source.get("return_id"):
        actions.append(PlannedAction("decline_return", {"return_id": source["return_id"],
                                                        "reason": _decline_reason(source, decision),
                                                        "note": decision["explanation"]}))
    elif outcome == "needs_review":
        actions.append(PlannedAction("tag_order", {"order_id": order_id, "tag": REVIEW_TAG}))
    if outcome in ("denied", "needs_evidence") and not source.get("return_id"):
        actions.append(PlannedAction("customer_note", {"order_id": order_id, "text": decision["explanation"]}))
    actions.append(_note(order_id, decision, link))
    return actions
