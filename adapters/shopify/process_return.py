"""Settling a Shopify return: returnProcess confirms its lines, disposes of the units, refunds or credits the
money and closes it (2025-07: the returns processing APIs replace refunds made beside a return)."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify import process_documents as docs
from integration.domain import actions as act

SETTLED = {"CLOSED"}


def _gid(kind: str, value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def open_return(client, return_id: str) -> dict:
    """The return as returnProcess needs it; a return no longer open needs nothing more."""
    found = client.graphql(docs.RETURN_TO_PROCESS, {"id": _gid("Return", return_id)})["return"]
    if found is None:
        raise PlatformError(f"shopify: return {return_id} does not exist", retryable=False)
    return found


def _dispositions(found: dict, line_gid: str, quantity: int, restock: bool) -> list[dict]:
    """How the units are disposed of: back on sale at the order's location, or not restocked."""
    rfo_lines = [li for rfo in found["reverseFulfillmentOrders"]["nodes"] for li in rfo["lineItems"]["nodes"]
                 if (li.get("fulfillmentLineItem") or {}).get("lineItem", {}).get("id") == line_gid]
    if not rfo_lines:
        return []
    disposal = {"reverseFulfillmentOrderLineItemId": rfo_lines[0]["id"], "quantity": quantity,
                "dispositionType": "RESTOCKED" if restock else "NOT_RESTOCKED"}
    location = next((f["location"]["id"] for f in found["order"]["fulfillments"] if f.get("location")), None)
    if restock and location:
        disposal["locationId"] = location
    elif restock:   # nowhere to put it back: the merchant restocks by hand
        disposal["dispositionType"] = "NOT_RESTOCKED"
    return [disposal]


def return_lines(found: dict, payload: act.Refund) -> list[dict]:
    """The approved units as the return's own lines, each with its disposal."""
    wanted = {_gid("LineItem", line): int(qty) for line, qty in payload.lines}
    restock = {_gid("LineItem", line) for line in payload.restock}
    out = []
    for node in found["returnLineItems"]["nodes"]:
        line_gid = node["fulfillmentLineItem"]["lineItem"]["id"]
        take = min(wanted.get(line_gid, 0), node["processableQuantity"])
        if take > 0:
            wanted[line_gid] -= take
            out.append({"id": node["id"], "quantity": take,
                        "dispositions": _dispositions(found, line_gid, take, line_gid in restock)})
    return out


def process_input(found: dict, payload: act.Refund, money: dict, currency: str) -> dict:
    """returnProcess's input: the lines, the shipping refund, the money (to the card or as store credit)."""
    transfer = {"orderTransactions": [{"parentId": t["parentId"], "transactionAmount": {"amount": t["amount"],
                                                                                        "currencyCode": currency}}
                                      for t in money["transactions"]]}
    if money.get("credit"):
        transfer = {"orderTransactions": [], "refundMethods": [
            {"storeCreditRefund": {"amount": {"amount": money["credit"], "currencyCode": currency}}}]}
    out = {"returnId": found["id"], "returnLineItems": return_lines(found, payload), "notifyCustomer": True,
           "financialTransfer": {"issueRefund": transfer}}
    if payload.shipping and float(payload.shipping):
        out["refundShipping"] = {"shippingRefundAmount": {"amount": payload.shipping, "currencyCode": currency}}
    return out
