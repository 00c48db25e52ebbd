"""Shopify returns returnkit opens itself (returnCreate) for requests that came through our API, found
again by the marker each of their lines carries, so a lost answer never opens a second one."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify import documents as docs
from adapters.shopify.scopes import order_or_unreadable


def _variant_gid(value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/ProductVariant/{value}"


def marker_text(marker: str) -> str:
    """The note each line of our return carries: it is how a retry recognises the return."""
    return f"returnkit [{marker}]"


def order_returns(client, order_gid: str) -> dict:
    """The order's returns (with their line notes) and fulfillments (with their line items)."""
    return order_or_unreadable(client.graphql(docs.ORDER_RETURNS, {"id": order_gid})["order"], order_gid)


def find_marked_return(order: dict, marker: str) -> dict | None:
    """The order's return whose lines carry our marker, if one was opened already."""
    wanted = marker_text(marker)
    for ret in order["returns"]["nodes"]:
        if any(wanted in (li.get("returnReasonNote") or "") for li in ret["returnLineItems"]["nodes"]):
            return ret
    return None


def return_line_items(order: dict, lines: list, marker: str) -> list[dict]:
    """The approved (line item, quantity) pairs as fulfillment line items, spread over the fulfillments."""
    out = []
    for line, quantity in lines:
        line_gid = line if str(line).startswith("gid://") else f"gid://shopify/LineItem/{line}"
        left = int(quantity)
        for fulfillment in order["fulfillments"]:
            for fli in fulfillment["fulfillmentLineItems"]["nodes"]:
                if left and fli["lineItem"]["id"] == line_gid and fli["quantity"]:
                    take = min(left, fli["quantity"])
                    out.append({"fulfillmentLineItemId": fli["id"], "quantity": take,
                                "returnReasonNote": marker_text(marker)})
                    left -= take
        if left:
            raise PlatformError(f"shopify: line {line} has no fulfilled quantity {quantity} to return", retryable=False)
    return out


def open_return(client, order_gid: str, lines: list, marker: str, requested_at: str | None,
                exchanges: list = ()) -> dict:
    """Our return on the order: the one already opened with our marker, else a new OPEN one (returnCreate), with
    what the customer gets instead as its exchange line items ([variant id, quantity])."""
    order = order_returns(client, order_gid)
    existing = find_marked_return(order, marker)
    if existing is not None:
        return {"return": existing["id"], "status": existing["status"], "skipped": "already open"}
    return_input = {"orderId": order_gid, "returnLineItems": return_line_items(order, lines, marker),
                    "notifyCustomer": False, "requestedAt": requested_at,
                    "exchangeLineItems": [{"variantId": _variant_gid(v), "quantity": int(q)} for v, q in exchanges]
                    or None}
    result = client.graphql(docs.CREATE_RETURN, {"input": {k: v for k, v in return_input.items() if v is not None}})
    payload = result["returnCreate"]
    if payload.get("userErrors"):
        raise PlatformError(f"shopify: {payload['userErrors'][0].get('message')}", retryable=False)
    return {"return": payload["return"]["id"], "status": payload["return"]["status"]}
