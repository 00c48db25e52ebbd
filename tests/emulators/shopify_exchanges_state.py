"""The emulated shop's exchanges, as Shopify's native exchanges behave: they ride on a return.

- returnCreate takes `exchangeLineItems` (ReturnInput, Admin 2026-10; shopify.dev/changelog/new-return-apis-to-create-
  exchanges-add-fees-remove-return-lines-and-calculate-returns): each becomes an ExchangeLineItem on the return, and
  the return gets one new FulfillmentOrder on the ORIGINAL order for them, held with reason AWAITING_RETURN_ITEMS
  (shopify.dev/changelog/awaiting-return-items-fulfillment-hold-reason). "Native exchanges do not create a separate
  new order. They're updates to the existing order." (shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/
  read-exchanges).
- returnProcess with `exchangeLineItems` confirms their quantities (processableQuantity falls to 0) and releases the
  exchange's fulfillment order (shopify.dev/docs/api/admin-graphql/latest/mutations/returnProcess: it "creates
  FulfillmentOrder objects for exchange items"); the units leave the variant's stock then.
- productVariant answers availableForSale, inventoryQuantity, inventoryPolicy (DENY | CONTINUE) and
  inventoryItem.tracked (ProductVariant, Admin 2026-10).
- nodes(ids:) answers each id in order, null for an id that names nothing (QueryRoot.nodes: "Returns the list of
  nodes with the given IDs"); here only variants are nodes. More than 250 ids is an error: "Input arguments that
  accept an array have a maximum size of 250 for all APIs. Requests return an error if an input array exceeds 250
  items" (shopify.dev/docs/api/usage/limits; shopify.dev/changelog/graphql-input-objects-limited-to-250-items,
  whose example is a nodes query). The error's words here are ours: the docs do not quote them.
"""
from __future__ import annotations

import itertools

_ids = itertools.count(950_000)


class ExchangesMixin:
    """Variants' stock, exchange line items on returns and the fulfillment orders made for them."""

    def set_stock(self, variant_id, quantity: int, policy: str = "DENY", tracked: bool = True) -> None:
        """A variant of the shop's catalogue with its stock."""
        gid = str(variant_id) if str(variant_id).startswith("gid://") else f"gid://shopify/ProductVariant/{variant_id}"
        self.stock()[gid] = {"id": gid, "inventoryQuantity": quantity, "inventoryPolicy": policy,
                             "inventoryItem": {"tracked": tracked}}

    def _kept(self) -> dict:
        """The variants' stock and the exchange fulfillment orders, kept beside ShopState's own state."""
        if not hasattr(self, "_exchanges_kept"):
            self._exchanges_kept = {"stock": {}, "fulfillment_orders": []}
        return self._exchanges_kept

    def stock(self) -> dict:
        """Each variant's stock, by gid."""
        return self._kept()["stock"]

    def exchange_orders(self) -> list[dict]:
        """The fulfillment orders made for exchanges, oldest first."""
        return self._kept()["fulfillment_orders"]

    def productVariant(self, args):
        variant = self.stock().get(args["id"])
        if variant is None:
            return None
        sellable = (not variant["inventoryItem"]["tracked"] or variant["inventoryPolicy"] == "CONTINUE"
                    or variant["inventoryQuantity"] > 0)
        return {**variant, "availableForSale": sellable}

    def nodes(self, args):
        if len(args["ids"]) > 250:
            from tests.emulators.shopify_state import GraphQLError   # the state module imports this one
            raise GraphQLError(f"The input array size of {len(args['ids'])} is greater than the maximum allowed of "
                               "250.", "MAX_INPUT_SIZE_EXCEEDED")
        return [self.productVariant({"id": gid}) for gid in args["ids"]]

    def add_exchanges(self, ret: dict, items: list[dict]) -> str | None:
        """The return's exchange line items and their held fulfillment order; an error message for an unknown
        variant (nothing is made)."""
        if any(item.get("variantId") not in self.stock() for item in items):
            return "Variant does not exist"
        ret["exchanges"] = [{"id": f"gid://shopify/ExchangeLineItem/{next(_ids)}", "variantId": item["variantId"],
                             "quantity": item["quantity"], "processedQuantity": 0} for item in items]
        for node in ret["exchanges"]:
            node["processableQuantity"] = lambda _args, n=node: n["quantity"] - n["processedQuantity"]
        if items:
            self.exchange_orders().append({
                "id": f"gid://shopify/FulfillmentOrder/{next(_ids)}", "order": ret["order"], "status": "ON_HOLD",
                "holds": ["AWAITING_RETURN_ITEMS"], "lines": [(i["variantId"], i["quantity"]) for i in items],
                "return": ret})
        return None

    def check_exchanges(self, ret: dict, items: list[dict]) -> str | None:
        """Why returnProcess cannot confirm these exchange items, or None."""
        known = {node["id"]: node for node in ret.get("exchanges", ())}
        for item in items:
            node = known.get(item["id"])
            if node is None or item["quantity"] > node["quantity"] - node["processedQuantity"]:
                return "Exchange line item quantity exceeds the processable quantity"
        return None

    def confirm_exchanges(self, ret: dict, items: list[dict]) -> None:
        """The items confirmed, their units out of stock, and the return's fulfillment order released."""
        known = {node["id"]: node for node in ret.get("exchanges", ())}
        for item in items:
            node = known[item["id"]]
            node["processedQuantity"] += item["quantity"]
            self.stock()[node["variantId"]]["inventoryQuantity"] -= item["quantity"]
        if items and all(n["processedQuantity"] >= n["quantity"] for n in ret["exchanges"]):
            for fo in self.exchange_orders():
                if fo["return"] is ret:
                    fo.update(status="OPEN", holds=[])
