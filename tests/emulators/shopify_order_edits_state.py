"""The emulated shop's order editing and shipping-address updates, as Shopify documents them:

- orderEditBegin "creates an OrderEditSession and returns a CalculatedOrder showing how the order looks with your
  changes applied"; "The session tracks all staged changes until you commit or abandon them" (Admin 2026-10), so an
  uncommitted session changes nothing on the order. Its lines are CalculatedLineItems carrying their LineItem's number
  (shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps/edit-orders).
- orderEditCommit "Applies staged changes ... to the original order"; "You can only edit unfulfilled line items", so
  a line's editableQuantity is its units not fulfilled; a committed session is not committed again.
- orderEditAddVariant's quantity "Must be a positive value"; allowDuplicates: "Whether the mutation can create a line
  item for a variant that's already on the calculated order". orderEditSetQuantity: "Setting the quantity to zero
  effectively removes the line item"; the quantity "cannot be negative".
- LineItem.currentQuantity: "The number of units ordered, excluding refunded and removed units".
- orderUpdate's OrderInput.shippingAddress (MailingAddressInput) becomes the order's shippingAddress.
"""
from __future__ import annotations

import itertools
from decimal import Decimal

_ids = itertools.count(880_000)


def _errors(payload: str, message: str, field: str = "id") -> dict:
    return {payload: None, "userErrors": [{"field": [field], "message": message}]}


def _number(gid: str) -> str:
    return str(gid).rsplit("/", 1)[-1]


class OrderEditsMixin:
    """Mixed into ShopState: edit sessions, their commits, and each order line's current quantity."""

    @property
    def edit_sessions(self) -> dict[str, dict]:
        """CalculatedOrder gid -> its session."""
        return self.__dict__.setdefault("_edit_sessions", {})

    @property
    def prices(self) -> dict[str, Decimal]:
        """Variant gid -> its price, for variants an edit adds."""
        return self.__dict__.setdefault("_variant_prices", {})

    def add_variant(self, variant_id, price: str, stock: int = 5) -> None:
        """A variant of the catalogue an edit can add (priced, with stock)."""
        self.set_stock(variant_id, stock)
        self.prices[f"gid://shopify/ProductVariant/{_number(variant_id)}"] = Decimal(price)

    def unfulfil(self, order_id) -> None:
        """The order has not shipped yet (add_order fulfils every line)."""
        self.orders[f"gid://shopify/Order/{order_id}"]["fulfillments"] = []

    def current_quantity(self, order: dict, line: str) -> int:
        """Units of the line ordered, less those refunded or removed by an edit."""
        return order.get("current", {}).get(line, order["lines"][line][0]) - order["refunded_units"].get(line, 0)

    def _fulfilled(self, order: dict, line: str) -> int:
        return sum(fli["quantity"] for f in order["fulfillments"] for fli in f["fulfillmentLineItems"]["nodes"]
                   if fli["lineItem"]["id"] == line)

    def order_extras(self, order_id: str) -> dict:
        extras = super().order_extras(order_id)
        order = self.orders[order_id]
        for node in extras["lineItems"]["nodes"]:
            node["currentQuantity"] = self.current_quantity(order, node["id"])
        return extras

    def shipping_address_from_input(self, given: dict) -> dict:
        """A MailingAddressInput as the order's MailingAddress."""
        name = " ".join(p for p in (given.get("firstName"), given.get("lastName")) if p) or None
        return {"name": name, "firstName": given.get("firstName"), "lastName": given.get("lastName"),
                "company": given.get("company"), "address1": given.get("address1"), "address2": given.get("address2"),
                "city": given.get("city"), "provinceCode": given.get("provinceCode"), "zip": given.get("zip"),
                "countryCodeV2": given.get("countryCode"), "phone": given.get("phone")}

    def orderEditBegin(self, args):
        order = self.orders.get(args["id"])
        if order is None:
            return _errors("calculatedOrder", "The order does not exist.")
        gid = f"gid://shopify/CalculatedOrder/{next(_ids)}"
        lines = {f"gid://shopify/CalculatedLineItem/{_number(line)}": {
            "line": line, "quantity": self.current_quantity(order, line),
            "editable": self.current_quantity(order, line) - self._fulfilled(order, line)} for line in order["lines"]}
        self.edit_sessions[gid] = {"order": args["id"], "lines": lines, "added": {}, "committed": False}
        return {"calculatedOrder": self._calculated(gid), "orderEditSession": {"id": gid.replace(
            "CalculatedOrder", "OrderEditSession")}, "userErrors": []}

    def _calculated(self, gid: str) -> dict:
        session = self.edit_sessions[gid]
        nodes = [{"id": cid, "quantity": ln["quantity"], "editableQuantity": ln["editable"]}
                 for cid, ln in session["lines"].items()]
        nodes += [{"id": cid, "quantity": a["quantity"], "editableQuantity": a["quantity"]}
                  for cid, a in session["added"].items()]
        return {"id": gid, "committed": session["committed"], "lineItems": {"nodes": nodes}}

    def _open_session(self, gid: str) -> dict | None:
        session = self.edit_sessions.get(gid)
        return None if session is None or session["committed"] else session

    def orderEditAddVariant(self, args):
        session = self._open_session(args["id"])
        if session is None:
            return _errors("calculatedLineItem", "The order edit does not exist or was committed.")
        if args["quantity"] <= 0:
            return _errors("calculatedLineItem", "Quantity must be greater than 0.", "quantity")
        if args["variantId"] not in self.prices:
            return _errors("calculatedLineItem", "Variant does not exist.", "variantId")
        on_order = {self.variants.get(ln["line"], (None,))[0] for ln in session["lines"].values()}
        on_order |= {a["variant"] for a in session["added"].values()}
        if not args.get("allowDuplicates") and args["variantId"] in on_order:
            return _errors("calculatedLineItem", "The variant is already on the order.", "variantId")
        cid = f"gid://shopify/CalculatedLineItem/{next(_ids)}"
        session["added"][cid] = {"variant": args["variantId"], "quantity": args["quantity"]}
        return {"calculatedLineItem": {"id": cid, "quantity": args["quantity"]},
                "calculatedOrder": self._calculated(args["id"]), "userErrors": []}

    def orderEditSetQuantity(self, args):
        session = self._open_session(args["id"])
        if session is None:
            return _errors("calculatedLineItem", "The order edit does not exist or was committed.")
        line = session["lines"].get(args["lineItemId"]) or session["added"].get(args["lineItemId"])
        if line is None:
            return _errors("calculatedLineItem", "The line item does not exist.", "lineItemId")
        fixed = line["quantity"] - line.get("editable", line["quantity"])
        if args["quantity"] < 0 or args["quantity"] < fixed:
            return _errors("calculatedLineItem", "Cannot reduce the quantity below the fulfilled quantity.",
                           "quantity")
        if "editable" in line:   # a line of the order (an added one is all editable)
            line["editable"] = args["quantity"] - fixed
        line["quantity"] = args["quantity"]
        return {"calculatedLineItem": {"id": args["lineItemId"], "quantity": args["quantity"]},
                "calculatedOrder": self._calculated(args["id"]), "userErrors": []}

    def orderEditCommit(self, args):
        session = self._open_session(args["id"])
        if session is None:
            return _errors("order", "The order edit does not exist or was committed.")
        order = self.orders[session["order"]]
        for ln in session["lines"].values():
            order.setdefault("current", {})[ln["line"]] = ln["quantity"] + order["refunded_units"].get(ln["line"], 0)
        for added in session["added"].values():
            line, price = f"gid://shopify/LineItem/{next(_ids)}", self.prices[added["variant"]]
            order["lines"][line] = (added["quantity"], price, Decimal(0))
            self.variants[line] = (added["variant"], price)
        order.setdefault("edit_notes", []).append(args.get("staffNote"))
        session["committed"] = True
        return {"order": {"id": session["order"]}, "successMessages": ["Order updated"], "userErrors": []}
