"""What a decision does on the platform: a pure plan of actions (kind + payload), no I/O."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from adapters.registry import ADAPTERS
from integration.domain import actions as act
from integration.domain.actions import ActionKind, payload_json
from integration.outbox.plan_edit import edit_words, planned_edit
from integration.outbox.plan_exchange import order_marker, planned_exchange, return_exchanges
from integration.outbox.timing import refund_due
from integration.shops.replacements import AUTOMATIC, replacement_mode

REVIEW_TAG = "returnkit-review"
LABEL_NEEDED_TAG = "returnkit-label-needed"
_MERCHANT_SHIPS = {"replacement": "a replacement", "exchange": "the exchange", "repair": "the repaired item"}
# The same items again, at no cost: an order returnkit can create. Not a repair: it ships the customer's own unit
# back, and an order for the variant would take another one out of stock.
_CREATED = ("replacement",)


@dataclass(frozen=True)
class PlannedAction:
    kind: ActionKind
    payload: dict    # as stored with the action (payload_json of the kind's typed payload)


def planned(payload) -> PlannedAction:
    """The planned action for a typed payload (integration/domain/actions.py)."""
    return PlannedAction(payload.kind, payload_json(payload))


@dataclass(frozen=True)
class ReturnLogistics:
    """What the shop has set up for items coming back: a label account, a return address, and per item class
    whether a replacement's order is made automatically or left to the merchant (shops/replacements.py)."""
    labels: bool = False
    address: str | None = None
    replacements: Mapping[str, str] = field(default_factory=dict)


def _approved_lines(decision: dict) -> list[list]:
    return [[li["line_item_id"], li["quantity"]] for li in decision["lines"] if li["outcome"] == "approved"]


def _platform_decided(decision: dict) -> bool:
    """The merchant approved or declined the return in the platform's admin (requests/platform_decisions.py):
    sending it back would approve or decline it a second time."""
    return bool((decision.get("review") or {}).get("platform"))


def return_marker(source: dict) -> str | None:
    """The marker of the Shopify return we open for a request from our API (one per request)."""
    return f"returnkit-case-{source['case_id']}" if source.get("case_id") else None


def _return_shipping(order_id: str, source: dict, decision: dict, logistics: ReturnLogistics) -> list[PlannedAction]:
    """A prepaid label when the merchant pays (or a tag asking for one); instructions when the customer pays."""
    if decision["return_shipping_paid_by"] == "merchant":
        if logistics.labels:
            marker = return_marker(source) if source.get("opens_return") else None
            return [planned(act.ReturnLabel(order_id, source.get("return_id"), _approved_lines(decision), marker))]
        return [planned(act.TagOrder(order_id, LABEL_NEEDED_TAG))]
    where = (f"to {logistics.address}" if logistics.address
             else "to the return address the shop will send you (reply to your order email)")
    text = (f"Please send the item(s) back {where}, at your own cost, with your order number {order_id} inside the "
            "parcel, and keep the tracking number.")
    return [planned(act.CustomerNote(order_id, text))]


def _note(order_id: str, decision: dict, link: str | None, asked: str = "") -> PlannedAction:
    outcome = decision["outcome"].replace("_", " ")
    text = f"returnkit: {outcome} ({', '.join(decision['rules'])}). {decision['explanation']}{asked}"
    return planned(act.OrderNote(order_id, text + (f" {link}" if link else "")))


def _opens_return(platform: str, source: dict, decision: dict) -> bool:
    """An approved return or exchange from our API gets a return of its own on a platform that has returns."""
    return (ADAPTERS[platform].opens_returns and not source.get("return_id") and bool(source.get("case_id"))
            and source.get("type") in ("return", "exchange") and bool(decision.get("return_required"))
            and not source.get("inspected"))


def replacement_marker(source: dict) -> str | None:
    """The tag or meta that finds a request's replacement order again (one per request, a Shopify tag's 40 chars)."""
    return order_marker("replacement", source)


def _created_lines(platform: str, source: dict, decision: dict, logistics: ReturnLogistics) -> list[list]:
    """The approved lines whose replacement returnkit creates now: the merchant chose "automatic" for their class,
    the platform can create orders, and no return is still to come back (else it waits for the inspection)."""
    if (decision["resolution"] not in _CREATED or not replacement_marker(source)
            or not ADAPTERS[platform].actions.can(ActionKind.CREATE_REPLACEMENT)
            or (decision.get("return_required") and not source.get("inspected"))):
        return []
    return [[li["line_item_id"], li["quantity"]] for li in decision["lines"] if li["outcome"] == "approved"
            and replacement_mode(li.get("item_class"), logistics.replacements) == AUTOMATIC]


def _merchant_ships(platform: str, order_id: str, source: dict, decision: dict, logistics: ReturnLogistics
                    ) -> list[PlannedAction]:
    """A zero-price replacement order for the lines the merchant lets returnkit replace; a staff note for the rest."""
    resolution = decision["resolution"]
    if resolution not in _MERCHANT_SHIPS:
        return []
    created = _created_lines(platform, source, decision, logistics)
    out = [planned(act.CreateReplacement(order_id, created, replacement_marker(source)))] if created else []
    if exchange := planned_exchange(platform, order_id, source, decision, REVIEW_TAG, return_marker(source)):
        out.append(planned(exchange))
        exchanged = {str(line) for line, _variant, _qty in exchange.wants}
        created = [line for line in _approved_lines(decision) if str(line[0]) in exchanged]
    left = [line for line in _approved_lines(decision) if line not in created]
    if left:
        lines = ", ".join(f"{qty} x line {line}" for line, qty in left)
        out.append(planned(act.OrderNote(order_id, (
            f"returnkit: ship {_MERCHANT_SHIPS[resolution]} for {lines}"
            + (" once the return arrives." if decision.get("return_required") else ".")))))
    return out


def _approved(platform: str, order_id: str, source: dict, decision: dict, logistics: ReturnLogistics
              ) -> list[PlannedAction]:
    if decision["resolution"] == "edit":   # an edit request: the order changes; nothing comes back, no money
        return [planned(p) for p in planned_edit(platform, order_id, source, decision)]
    out = []
    if source.get("return_id") and not _platform_decided(decision):
        out.append(planned(act.ApproveReturn(source["return_id"])))
    elif _opens_return(platform, source, decision):  # before the label, which hangs off this return
        source = {**source, "opens_return": True}
        out.append(planned(act.CreateReturn(order_id, _approved_lines(decision), return_marker(source),
                                            source.get("submitted_at"), return_exchanges(source, decision))))
    if decision.get("return_required") and decision.get("return_shipping_paid_by") and not source.get("inspected"):
        out += _return_shipping(order_id, source, decision, logistics)
    out += _merchant_ships(platform, order_id, source, decision, logistics)
    if decision["resolution"] == "cancel_and_refund":
        return out + _cancellation(platform, order_id, source, decision)
    refund = decision["refund"]
    due = refund_due(refund["timing"], source)
    if due and refund["total"].strip("0.") != "":
        out.append(planned(_refund(platform, order_id, source, decision)))
    elif _kept(source, decision):
        out.append(planned(act.CloseReturn(source["return_id"], _approved_lines(decision))))
    return out


def _cancellation(platform: str, order_id: str, source: dict, decision: dict) -> list[PlannedAction]:
    """The whole order cancelled on the platform; or, when some of it stays (lines the policy keeps, or a request
    for some lines), a refund of the cancelled lines and a staff note not to make or ship them: the platform's
    cancel would take the kept lines too."""
    if not source.get("keeps_lines") and all(li["outcome"] == "approved" for li in decision["lines"]):
        return [planned(act.CancelOrder(order_id, decision["refund"]["total"], decision["refund"]["currency"]))]
    lines = ", ".join(f"{qty} x line {line}" for line, qty in _approved_lines(decision))
    note = act.OrderNote(order_id, f"returnkit: cancelled {lines} at the customer's request and refunded them; the "
                                   "rest of the order stands: do not make or ship the cancelled units.")
    refund = decision["refund"]
    if refund["total"].strip("0.") == "":
        return [planned(note)]
    return [planned(_refund(platform, order_id, {**source, "inspected": False}, decision)), planned(note)]


def _kept(source: dict, decision: dict) -> bool:
    """A platform return whose items the customer keeps (the policy waives the return) and that no refund settles:
    it is processed on its own, nothing restocked, so it does not stay open for a parcel that never comes."""
    return (bool(source.get("return_id")) and not decision.get("return_required")
            and decision["refund"]["total"].strip("0.") == "")


def _refund(platform: str, order_id: str, source: dict, decision: dict) -> act.Refund:
    """The refund, settling the platform return it belongs to; units go back on sale only once inspected."""
    refund, returned = decision["refund"], decision.get("return_required") and source.get("type") != "cancellation"
    marker = return_marker(source) if returned and ADAPTERS[platform].opens_returns else None
    restock = [li["line_item_id"] for li in decision["lines"] if li.get("restock")] if source.get("inspected") else []
    return act.Refund(order_id, refund["total"], refund["currency"], refund["shipping"], _approved_lines(decision),
                      refund.get("deductions", "0"), refund.get("tax", "0"), refund.get("method") or "original_payment",
                      source.get("return_id"), None if source.get("return_id") else marker, restock,
                      (decision.get("credit") or {}).get("bonus"))


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
    elif outcome == "denied" and source.get("return_id") and not _platform_decided(decision):
        actions.append(planned(act.DeclineReturn(source["return_id"], _decline_reason(source, decision),
                                                 decision["explanation"])))
    elif outcome == "needs_review":
        actions.append(planned(act.TagOrder(order_id, REVIEW_TAG)))
    if outcome in ("denied", "needs_evidence") and not source.get("return_id"):
        actions.append(planned(act.CustomerNote(order_id, _customer_text(decision, request_page))))
    actions.append(_note(order_id, decision, link, edit_words(source.get("edit"))))
    return actions
