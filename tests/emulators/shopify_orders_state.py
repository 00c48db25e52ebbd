"""The emulated shop's `orders` connection (query "updated_at:>'…'", sortKey UPDATED_AT, first/after cursors),
and how a test seeds it: a GraphQL Order node written from the REST fixture of the same order. Also the orders
its token may read (the last 60 days without read_all_orders) and the return requests customers make."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta, timezone

from adapters.common import split_tags, when
from adapters.shopify.scopes import SCOPES

_UPDATED_AFTER = re.compile(r"updated_at:>'?([^'\s]+)'?")
# shopify.dev/docs/api/usage/access-scopes: "By default, you can only access the last 60 days' worth of orders";
# older ones need read_all_orders, and without it order(id:) answers null and the orders connection leaves them out.
READABLE_DAYS = 60
_reason_ids = itertools.count(1)


def _gid(kind: str, value) -> str:
    return f"gid://shopify/{kind}/{value}"


def _utc(value) -> str | None:
    return None if value is None else when(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(value) -> dict:
    return {"shopMoney": {"amount": str(value)}}


def _tax_lines(item: dict) -> list[dict]:
    return [{"priceSet": _money(t["price"])} for t in item.get("tax_lines") or ()]


def _line(li: dict) -> dict:
    return {"id": _gid("LineItem", li["id"]), "title": li.get("title"), "name": li.get("name"), "quantity": li["quantity"],
            "sku": li.get("sku"), "requiresShipping": li.get("requires_shipping"),
            "originalUnitPriceSet": _money(li["price"]),
            "discountAllocations": [{"allocatedAmountSet": _money(a["amount"])} for a in li.get("discount_allocations") or ()],
            "taxLines": _tax_lines(li),
            "product": {"id": _gid("Product", li["product_id"])} if li.get("product_id") else None,
            "variant": {"id": _gid("ProductVariant", li["variant_id"])} if li.get("variant_id") else None,
            "customAttributes": _attributes(li.get("properties"))}


def _attributes(pairs) -> list[dict]:
    """REST {name, value} pairs (note_attributes, line item properties) as GraphQL's Attribute {key, value}."""
    # shopify.dev/docs/api/admin-graphql/latest/objects/Order#field-customAttributes and LineItem's: "custom
    # information ... as additional fields", the REST resource's note_attributes and line item properties.
    return [{"key": p["name"], "value": p.get("value")} for p in pairs or ()]


def _totals(rest: dict) -> dict:
    """currentTotalPriceSet and totalOutstandingSet, for a REST body carrying current_total_price / total_outstanding."""
    return {graphql: _money(rest[name]) for name, graphql in (("current_total_price", "currentTotalPriceSet"),
                                                             ("total_outstanding", "totalOutstandingSet"))
            if rest.get(name) is not None}


def fulfillment_node(f: dict) -> dict:
    """A REST fulfillment as Shopify's Fulfillment object; `delivered_at`, which a test may add (a REST fulfillment
    has none), is the carrier's delivery time the GraphQL object serves as deliveredAt."""
    # shopify.dev/docs/api/admin-graphql/latest/objects/Fulfillment: deliveredAt, "The date that this fulfillment
    # was delivered" (null until then), set from the carrier's delivered event, not the fulfillment's updatedAt.
    return {"id": _gid("Fulfillment", f["id"]), "status": (f.get("status") or "success").upper(),
            "displayStatus": (f.get("shipment_status") or "fulfilled").upper(), "createdAt": _utc(f["created_at"]),
            "updatedAt": _utc(f.get("updated_at") or f["created_at"]), "deliveredAt": _utc(f.get("delivered_at")),
            "trackingInfo": [{"number": n} for n in f.get("tracking_numbers") or ()],
            "fulfillmentLineItems": {"nodes": [{"quantity": li["quantity"], "lineItem": {"id": _gid("LineItem", li["id"])}}
                                               for li in f.get("line_items") or ()]}}


def refund_node(r: dict) -> dict:
    """A REST refund as Shopify's Refund object."""
    return {"id": _gid("Refund", r["id"]), "createdAt": _utc(r["created_at"]),
            "transactions": {"nodes": [{"kind": t["kind"].upper(), "status": t.get("status", "success").upper(),
                                        "amountSet": _money(t["amount"])} for t in r.get("transactions") or ()]},
            "refundLineItems": {"nodes": [{"quantity": li["quantity"], "lineItem": {"id": _gid("LineItem", li["line_item_id"])},
                                           "subtotalSet": _money(li["subtotal"]), "totalTaxSet": _money(li["total_tax"])}
                                          for li in r.get("refund_line_items") or ()]}}


def return_node(ret: dict, created_at: str) -> dict:
    """A returns/* webhook body as Shopify's Return object."""
    items = [{"quantity": li["quantity"], "returnReason": (li.get("return_reason") or "other").upper(),
              "customerNote": li.get("customer_note"),
              "fulfillmentLineItem": {"lineItem": {"id": _gid("LineItem", li["fulfillment_line_item"]["line_item"]["id"])}}}
             for li in ret.get("return_line_items") or ()]
    return {"id": _gid("Return", ret["id"]), "status": ret["status"].upper(), "createdAt": _utc(created_at),
            "returnLineItems": {"nodes": items}}


def order_node(rest: dict, fulfillments=None, refunds=None, returns=()) -> dict:
    """The GraphQL Order for a REST order body (fulfillments and refunds default to the ones it embeds)."""
    address, customer = rest.get("shipping_address") or {}, rest.get("customer") or {}
    return {
        "id": _gid("Order", rest["id"]), "name": rest.get("name"), "number": rest.get("order_number"),
        "createdAt": _utc(rest["created_at"]), "updatedAt": _utc(rest["updated_at"]), "cancelledAt": _utc(rest.get("cancelled_at")),
        "email": rest.get("email"), "tags": list(split_tags(rest.get("tags"))), "currencyCode": rest["currency"],
        "displayFinancialStatus": (rest.get("financial_status") or "").upper() or None,
        "taxesIncluded": bool(rest.get("taxes_included")),
        "customer": {"id": _gid("Customer", customer["id"])} if customer.get("id") else None,
        "shippingAddress": {"countryCodeV2": address.get("country_code")} if address else None,
        "shippingLines": {"nodes": [{"originalPriceSet": _money(s.get("price", 0)),
                                     "discountedPriceSet": _money(s.get("discounted_price", s.get("price", 0))),
                                     "taxLines": _tax_lines(s)}
                                    for s in rest.get("shipping_lines") or ()]},
        "lineItems": {"nodes": [_line(li) for li in rest["line_items"]]},
        "fulfillments": [fulfillment_node(f) for f in (rest.get("fulfillments") or () if fulfillments is None else fulfillments)],
        "refunds": [refund_node(r) for r in (rest.get("refunds") or () if refunds is None else refunds)],
        "returns": {"nodes": list(returns)},
        "customAttributes": _attributes(rest.get("note_attributes")), **_totals(rest)}


class OrdersConnectionMixin:
    """Mixed into ShopState; `orders` is the root field, resolved by orders_connection."""

    @property
    def order_nodes(self) -> dict[str, dict]:
        """gid → GraphQL Order node, as the test added them."""
        if "_order_nodes" not in self.__dict__:
            self._order_nodes = {}
        return self._order_nodes

    def add_order_node(self, node: dict) -> None:
        """Add or replace an order (a new version of it: give it a later updatedAt)."""
        self.order_nodes[node["id"]] = node

    def orders_connection(self, args):
        match = _UPDATED_AFTER.search(args.get("query") or "")
        after = when(match.group(1)) if match else None
        nodes = sorted((n for n in self.order_nodes.values() if (after is None or when(n["updatedAt"]) > after)
                        and self.readable(when(n["createdAt"]))),
                       key=lambda n: (when(n["updatedAt"]), n["id"]), reverse=bool(args.get("reverse")))
        ids = [n["id"] for n in nodes]
        start = ids.index(args["after"]) + 1 if args.get("after") in ids else 0
        page = nodes[start:start + (args.get("first") or 50)]
        return {"nodes": page, "pageInfo": {"hasNextPage": start + len(page) < len(nodes),
                                            "endCursor": page[-1]["id"] if page else None}}

    # --- the orders the token may read
    @property
    def granted(self) -> frozenset[str]:
        """The token's access scopes: by default all returnkit asks for (adapters/shopify/scopes.py)."""
        return self.__dict__.get("_granted", frozenset(SCOPES))

    def grant(self, scopes) -> None:
        """Give the token these scopes (a merchant who installed before returnkit asked for one lacks it)."""
        self._granted = frozenset(scopes)
        self._hide_unreadable()

    def place_order(self, order_id, days_ago: int) -> None:
        """Date an order added with add_order (undated ones are recent): one older than 60 days may be unreadable."""
        self.__dict__.setdefault("_placed", {})[_gid("Order", order_id)] = datetime.now(timezone.utc) - timedelta(
            days=days_ago)
        self._hide_unreadable()

    def readable(self, placed: datetime) -> bool:
        """Whether an order placed then is one the token may read."""
        cutoff = datetime.now(timezone.utc) - timedelta(days=READABLE_DAYS)
        return "read_all_orders" in self.granted or placed >= cutoff

    def _hide_unreadable(self) -> None:
        """Keep the orders the token may not read out of `orders`, so every resolver answers as if they were not."""
        hidden = self.__dict__.setdefault("_hidden", {})
        for gid, placed in self.__dict__.get("_placed", {}).items():
            if not self.readable(placed) and gid in self.orders:
                hidden[gid] = self.orders.pop(gid)
            elif self.readable(placed) and gid in hidden:
                self.orders[gid] = hidden.pop(gid)

    # --- return requests
    def request_return(self, return_id, order_id, lines) -> str:
        """A customer's REQUESTED return on an add_order order, from [(line id, quantity, reason handle, note)]."""
        order = _gid("Order", order_id)
        shipped = {n["lineItem"]["id"]: n["id"] for f in self.orders[order]["fulfillments"]
                   for n in f["fulfillmentLineItems"]["nodes"]}
        items = []
        for line, quantity, handle, note in lines:
            node = self.return_line_node(shipped[_gid("LineItem", line)], quantity, None)
            node.update(customerNote=note, returnReasonDefinition=handle and {
                "id": f"gid://shopify/ReturnReasonDefinition/{next(_reason_ids)}", "handle": handle,
                "name": handle.replace("-", " ").capitalize(), "deleted": False})
            items.append(node)
        self.returns[_gid("Return", return_id)] = {
            "status": "REQUESTED", "order": order, "rfos": [], "line_items": items,
            "lines": [(node["fulfillmentLineItem"]["id"], node["quantity"]) for node in items]}
        return _gid("Return", return_id)
