"""A Shopify return as it now stands, its lines read over GraphQL: a returns/request webhook may carry none
(`return_line_items: []`), and a request is decided on its lines, never on the whole order."""
from __future__ import annotations

from adapters.common import count
from adapters.shopify import documents as docs
from integration.domain import events as ev


def _numeric(gid) -> str | None:
    return None if gid is None else str(gid).rsplit("/", 1)[-1]


def _lines(items: list[dict]) -> tuple[tuple[str, int], ...]:
    """(order line id, quantity) of every item that names its order line, a line returned twice added up."""
    found: dict[str, int] = {}
    for item in items:
        line = _numeric(((item.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id"))
        if line is not None:
            found[line] = found.get(line, 0) + count(item.get("quantity") or 1, "returnLineItems.quantity")
    return tuple(found.items())


def return_seen(node: dict) -> ev.ReturnSeen:
    """A GraphQL Return (documents.RETURN_LINES) as the event its webhook would have given, lines included."""
    items = node["returnLineItems"]["nodes"]
    first = items[0] if items else {}
    # An UnverifiedReturnLineItem names no order line (it answers the fragment as {}): such a return is not
    # decided on the lines that remain.
    named = sum(1 for i in items if ((i.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id"))
    return ev.ReturnSeen(
        order_id=_numeric((node.get("order") or {}).get("id")), return_id=_numeric(node["id"]),
        status=str(node.get("status") or "requested").lower(), line_quantities=_lines(items),
        reason=(first.get("returnReasonDefinition") or {}).get("handle"),
        note=first.get("customerNote") or first.get("returnReasonNote") or None,
        lines_known=bool(items) and named == len(items))


def read_return(client, return_id: str) -> ev.ReturnSeen | None:
    """The return with its lines, from Shopify; None when Shopify answers that it has no such return."""
    gid = return_id if str(return_id).startswith("gid://") else f"gid://shopify/Return/{return_id}"
    node = client.graphql(docs.RETURN_LINES, {"id": gid})["return"]
    return None if node is None else return_seen(node)
