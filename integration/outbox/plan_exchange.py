"""An approved exchange's order, planned (pure): what the customer asked for instead of each approved line."""
from __future__ import annotations

from adapters.registry import ADAPTERS
from integration.domain import actions as act
from integration.domain.actions import ActionKind


def order_marker(what: str, source: dict) -> str | None:
    """The tag or meta that finds a request's `what` order again (one per request, a Shopify tag's 40 chars)."""
    if source.get("return_id"):
        return f"returnkit-{what}-return-{str(source['return_id']).rsplit('/', 1)[-1]}"
    return f"returnkit-{what}-case-{source['case_id']}" if source.get("case_id") else None


def exchange_wants(request: dict) -> dict[str, dict]:
    """The request's `exchange_for` per line id, as the planner's source carries it."""
    return {str(item["line_item_id"]): item["exchange_for"] for item in request.get("items") or ()
            if item.get("exchange_for")}


def _wants(source: dict, decision: dict) -> list[list]:
    """[line id, variant id, quantity] for each approved line the customer named a variant for (never more units
    than were approved)."""
    wanted = source.get("exchanges") or {}
    out = []
    for li in decision["lines"]:
        want = wanted.get(str(li["line_item_id"]))
        if li["outcome"] == "approved" and want:
            out.append([li["line_item_id"], str(want["variant_id"]), min(int(want.get("quantity") or li["quantity"]),
                                                                         int(li["quantity"]))])
    return out


def planned_exchange(platform: str, order_id: str, source: dict, decision: dict, review_tag: str,
                     return_marker: str | None = None) -> act.CreateExchange | None:
    """The exchange order returnkit creates now: the platform can, the customer named the variants, and no return is
    still to come back (else it waits for the inspection) unless the policy makes it instant; an instant one gives
    back no lines yet (its return stays open for the parcel)."""
    marker, terms = order_marker("exchange", source), decision.get("exchange") or {}
    waiting = bool(decision.get("return_required")) and not source.get("inspected")
    if (decision["resolution"] != "exchange" or not marker or (waiting and not terms.get("instant"))
            or not ADAPTERS[platform].actions.can(ActionKind.CREATE_EXCHANGE)):
        return None
    wants = _wants(source, decision)
    if not wants:
        return None
    given = [] if waiting else [[line, qty] for line, _variant, qty in wants]
    restock = [li["line_item_id"] for li in decision["lines"] if li.get("restock")] if source.get("inspected") else []
    return act.CreateExchange(order_id, wants, marker, decision["refund"]["currency"], review_tag,
                              pay_difference=bool(terms.get("pay_difference")), lines=given,
                              restock=restock, return_id=source.get("return_id"),
                              return_marker=None if source.get("return_id") else return_marker)


def return_exchanges(source: dict, decision: dict) -> list[list]:
    """[variant id, quantity] for the platform return we open for an approved exchange: it rides on the return."""
    return [[variant, qty] for _line, variant, qty in _wants(source, decision)] if decision["resolution"] == (
        "exchange") else []
