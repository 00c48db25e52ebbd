"""The sweep's side of Shopify: a GraphQL order (adapters/shopify/reconcile_documents.py) as the webhook
deliveries that would have carried it (REST-shaped bodies, exactly as parse.py reads them), and the
version key a webhook and a sweep of the same change share in the inbox."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timezone

from adapters.common import PayloadError, version_key as _version_key, when
from adapters.shopify import exchanges, return_lines
from adapters.shopify.reconcile_documents import RECONCILE_ORDERS
from adapters.shopify.topics import TOPICS
from integration.domain import events as ev

# FulfillmentDisplayStatus values that are REST shipment_status values; the rest (FULFILLED...) are not.
SHIPMENT_STATUSES = frozenset({"label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup",
                               "confirmed", "in_transit", "out_for_delivery", "delivered", "failure",
                               "carrier_picked_up", "picked_up", "delayed", "not_delivered"})
RETURN_TOPICS = {"requested": "returns/request", "open": "returns/approve", "declined": "returns/decline",
                 "canceled": "returns/cancel", "closed": "returns/close"}
_KINDS = (("orders/", "order", "updated_at"), ("fulfillments/", "fulfillment", "updated_at"),
          ("refunds/", "refund", "created_at"), ("returns/", "return", "status"))


def numeric_id(gid) -> int:
    """gid://shopify/Order/5550001 as 5550001 (REST ids are numbers)."""
    return int(str(gid).rsplit("/", 1)[-1])


def _amount(money_set: dict | None) -> str:
    return ((money_set or {}).get("shopMoney") or {}).get("amount") or "0"


def _ref(node: dict | None):
    return numeric_id(node["id"]) if node and node.get("id") else None


def _taxes(node: dict) -> list[dict]:
    return [{"price": _amount(t.get("priceSet"))} for t in node.get("taxLines") or ()]


def _line(node: dict) -> dict:
    return {"id": numeric_id(node["id"]), "title": node.get("title"), "name": node.get("name"),
            "quantity": node["quantity"], "price": _amount(node.get("originalUnitPriceSet")),
            "discount_allocations": [{"amount": _amount(a.get("allocatedAmountSet"))}
                                     for a in node.get("discountAllocations") or ()], "tax_lines": _taxes(node),
            "product_id": _ref(node.get("product")), "variant_id": _ref(node.get("variant")),
            "sku": node.get("sku"), "requires_shipping": node.get("requiresShipping"),
            "properties": _attributes(node)}


def _attributes(node: dict) -> list[dict]:
    """customAttributes (an order's note attributes, a line's properties) as the REST {name, value} pairs."""
    return [{"name": a.get("key"), "value": a.get("value")} for a in node.get("customAttributes") or ()]


def _totals(node: dict) -> dict:
    """The order's current total and what is outstanding of it, as REST names them (where the node has them)."""
    return {rest: _amount(node[graphql]) for rest, graphql in (("current_total_price", "currentTotalPriceSet"),
                                                               ("total_outstanding", "totalOutstandingSet"))
            if node.get(graphql)}


def order_payload(node: dict) -> dict:
    """orders/updated as Shopify would post it, for the fields parse_order reads (all but the customer)."""
    address = node.get("shippingAddress") or {}
    return {"id": numeric_id(node["id"]), "admin_graphql_api_id": node["id"], "name": node.get("name"),
            "order_number": node.get("number"), "created_at": node["createdAt"], "updated_at": node["updatedAt"],
            "cancelled_at": node.get("cancelledAt"), "currency": node.get("currencyCode"),
            "email": node.get("email"), "tags": ", ".join(node.get("tags") or ()),
            "financial_status": (node.get("displayFinancialStatus") or "").lower() or None,
            "taxes_included": node.get("taxesIncluded"),
            "shipping_address": {"country_code": address.get("countryCodeV2")} if address else None,
            "line_items": [_line(li) for li in node["lineItems"]["nodes"]],
            "shipping_lines": [{"price": _amount(s.get("originalPriceSet")),
                                "discounted_price": _amount(s.get("discountedPriceSet")), "tax_lines": _taxes(s)}
                               for s in node["shippingLines"]["nodes"]],
            "fulfillments": [fulfillment_payload(numeric_id(node["id"]), f) for f in node["fulfillments"]],
            "note_attributes": _attributes(node), **_totals(node)}


def fulfillment_payload(order_id: int, node: dict) -> dict:
    """fulfillments/update for one of the order's fulfillments."""
    display = (node.get("displayStatus") or "").lower()
    return {"id": numeric_id(node["id"]), "order_id": order_id, "created_at": node["createdAt"],
            "updated_at": node.get("updatedAt"), "status": (node.get("status") or "").lower() or None,
            "shipment_status": display if display in SHIPMENT_STATUSES else None,
            "tracking_numbers": [t["number"] for t in node.get("trackingInfo") or () if t.get("number")],
            "line_items": [{"id": numeric_id(li["lineItem"]["id"]), "quantity": li["quantity"]}
                           for li in node["fulfillmentLineItems"]["nodes"]]}


def delivery_event_payload(order_id: int, node: dict) -> dict | None:
    """fulfillment_events/create for the delivery Shopify confirmed (Fulfillment.deliveredAt), None before one.

    The carrier's time, not when the fulfillment last changed: a sweep that finds a delivery whose webhooks were
    missed starts the return window at delivery, as fulfillment_events/create's happened_at would have
    (shopify.dev/docs/api/admin-graphql/latest/objects/Fulfillment: deliveredAt, "the date that this fulfillment
    was delivered")."""
    if not node.get("deliveredAt"):
        return None
    return {"order_id": order_id, "fulfillment_id": numeric_id(node["id"]), "status": "delivered",
            "happened_at": node["deliveredAt"], "created_at": node["deliveredAt"]}


def refund_payload(order_id: int, node: dict) -> dict:
    """refunds/create for one of the order's refunds."""
    return {"id": numeric_id(node["id"]), "order_id": order_id, "created_at": node["createdAt"],
            "transactions": [{"kind": t["kind"].lower(), "status": t["status"].lower(),
                              "amount": _amount(t.get("amountSet"))} for t in node["transactions"]["nodes"]],
            "refund_line_items": [{"line_item_id": numeric_id(li["lineItem"]["id"]), "quantity": li["quantity"],
                                   "subtotal": _amount(li.get("subtotalSet")), "total_tax": _amount(li.get("totalTaxSet"))}
                                  for li in node["refundLineItems"]["nodes"]]}


def return_payload(order_id: int, node: dict) -> dict:
    """returns/<action> for one of the order's returns, as its current status implies."""
    items = []
    for li in node["returnLineItems"]["nodes"]:
        line = ((li.get("fulfillmentLineItem") or {}).get("lineItem") or {}).get("id")
        items.append({"quantity": li["quantity"], "return_reason": (li.get("returnReason") or "").lower() or None,
                      "customer_note": li.get("customerNote"),
                      "fulfillment_line_item": {"line_item": {"id": numeric_id(line) if line else None}}})
    return {"id": numeric_id(node["id"]), "status": node["status"].lower(), "order": {"id": order_id},
            "return_line_items": items}


def deliveries(node: dict) -> list[tuple[str, dict, str | None]]:
    """(topic, body, when it happened) of every delivery that would have carried this order as it now stands."""
    order_id = numeric_id(node["id"])
    out = [("orders/updated", order_payload(node), node["updatedAt"])]
    out += [("fulfillments/update", fulfillment_payload(order_id, f), f.get("updatedAt")) for f in node["fulfillments"]]
    # After its fulfillment, which the event needs to be known first (they are processed in this order).
    out += [("fulfillment_events/create", event, event["happened_at"]) for f in node["fulfillments"]
            if (event := delivery_event_payload(order_id, f))]
    out += [("refunds/create", refund_payload(order_id, r), r["createdAt"]) for r in node["refunds"]]
    for ret in node["returns"]["nodes"]:
        topic = RETURN_TOPICS.get(ret["status"].lower())
        if topic:
            out.append((topic, return_payload(order_id, ret), ret.get("createdAt")))
    return out


def _without_customer(order: ev.OrderSeen) -> ev.OrderSeen:
    """The order with no customer: a copy with one field set, as dataclasses.replace's re-run of __init__ (with its
    18 fields) cost a tenth of the dedupe key, which every order delivery computes."""
    bare = copy.copy(order)
    for name in ("customer_ref", "customer_tags", "customer_orders_count"):
        object.__setattr__(bare, name, None)   # frozen: the copy is ours, not yet shared
    return bare


def version_key(topic: str, payload: dict) -> str | None:
    """orders|fulfillments|refunds|returns: kind, id, version stamp and content digest; None for other topics."""
    for prefix, kind, stamp_field in _KINDS:
        if topic.startswith(prefix) and topic in TOPICS and isinstance(payload, dict) and payload.get("id") is not None:
            try:
                events = TOPICS[topic](payload)
                stamp = events[0].status if kind == "return" else when(payload.get(stamp_field) or payload.get("created_at"))
            except (PayloadError, ValueError, KeyError, TypeError, AttributeError):
                return None
            # The sweep cannot read an order's customer (that needs read_customers), so the customer
            # is not part of what identifies a version.
            events = [_without_customer(e) if isinstance(e, ev.OrderSeen) else e for e in events]
            return _version_key(kind, payload["id"], stamp, events)
    return None


def changed_orders(client, since) -> Iterator[list[dict]]:
    """Pages of GraphQL orders updated after `since`, oldest change first (the query's cursor pagination)."""
    query, after = f"updated_at:>'{since.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}'", None
    while True:
        page = client.graphql(RECONCILE_ORDERS, {"query": query, "after": after})["orders"]
        yield page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def updated_at(node: dict):
    """When the order last changed, by Shopify's clock."""
    return when(node["updatedAt"], "updatedAt")


def read_return(client, return_id: str) -> ev.ReturnSeen | None:
    """One return as it now stands, its lines included: what a returns/request webhook without lines leaves out."""
    return return_lines.read_return(client, return_id)


def read_exchange_items(client, return_id: str) -> list[tuple[str, int]]:
    """(variant id, units) of each exchange line item still open on the return: what the customer wants instead."""
    return [(str(item["variantId"]).rsplit("/", 1)[-1], item["quantity"])
            for item in exchanges.open_exchange_items(client, return_id) if item.get("variantId")]
