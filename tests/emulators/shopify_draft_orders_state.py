"""The emulated shop's draft orders (draftOrderCreate, draftOrderComplete, the draftOrders search by tag) and the
order fields a replacement reads (name, currency, customer, line items with their variants)."""
from __future__ import annotations

import itertools
import re
from decimal import Decimal

_ids = itertools.count(7000)
_numbers = itertools.count(1101)
_TAG = re.compile(r"tag:'?([^'\s]+)'?")
_CENT = Decimal("0.01")
CUSTOMER = "gid://shopify/Customer/77"   # every seeded order's customer


def _error(field: list, message: str) -> dict:
    return {"draftOrder": None, "userErrors": [{"field": field, "message": message}]}


class DraftOrdersMixin:
    """Mixed into ShopState: draft orders, and each order line's product variant."""

    @property
    def drafts(self) -> dict[str, dict]:
        """gid -> draft order."""
        return self.__dict__.setdefault("_drafts", {})

    @property
    def variants(self) -> dict[str, tuple[str, Decimal]]:
        """line item gid -> (variant gid, the variant's price)."""
        return self.__dict__.setdefault("_variants", {})

    def set_variant(self, order_id, line_id, variant_id) -> None:
        """Give an add_order line its product variant (priced as the line was)."""
        line = f"gid://shopify/LineItem/{line_id}"
        price = self.orders[f"gid://shopify/Order/{order_id}"]["lines"][line][1]
        self.variants[line] = (f"gid://shopify/ProductVariant/{variant_id}", price)

    def completed_orders(self) -> list[dict]:
        """The orders draftOrderComplete made, oldest first."""
        return [d["made"] for d in self.drafts.values() if d["status"] == "COMPLETED"]

    def order_extras(self, order_id: str) -> dict:
        """Fields of Order the replacement reads, beside the ones ShopState.order gives."""
        order = self.orders[order_id]
        nodes = [{"id": line, "quantity": qty, "variant": {"id": self.variants[line][0]} if line in self.variants else None}
                 for line, (qty, *_) in order["lines"].items()]
        return {"name": order.get("name") or f"#{order_id.rsplit('/', 1)[-1]}",
                "currencyCode": order["currency"], "customer": self.customer_node(CUSTOMER),
                "lineItems": {"nodes": nodes}}

    def draftOrders(self, args):
        # shopify.dev/docs/api/admin-graphql/latest/queries/draftOrders: `query` filters by `tag` (among others).
        match = _TAG.search(args.get("query") or "")
        found = [{"id": gid, **{k: d[k] for k in ("status", "tags", "order")}} for gid, d in self.drafts.items()
                 if match is None or match.group(1) in d["tags"]]
        return {"nodes": found[: args.get("first") or 50]}

    def _draft_line(self, item: dict) -> tuple[str, int, Decimal] | str:
        """A line's variant, quantity and price after its discount; or why Shopify refuses it."""
        known = {variant: price for variant, price in self.variants.values()}
        if item.get("variantId") not in known:
            return "Product variant does not exist"
        price, discount = known[item["variantId"]], item.get("appliedDiscount") or {}
        # DraftOrderAppliedDiscountInput.value: "If the type is percentage, then this is the percentage", else a
        # fixed amount (shopify.dev/docs/api/admin-graphql/latest/input-objects/DraftOrderAppliedDiscountInput).
        off = (price * Decimal(str(discount.get("value", 0))) / 100 if discount.get("valueType") == "PERCENTAGE"
               else Decimal(str(discount.get("value", 0))))
        return item["variantId"], item["quantity"], max(price - off, Decimal(0)).quantize(_CENT)

    def draftOrderCreate(self, args):
        # shopify.dev/docs/api/admin-graphql/latest/mutations/draftOrderCreate; DraftOrderInput.lineItems: "Each draft
        # order must include at least one line item"; the draft starts OPEN (DraftOrderStatus).
        given = args["input"]
        if not given.get("lineItems"):
            return _error(["lineItems"], "Add at least 1 product")
        lines = [self._draft_line(item) for item in given["lineItems"]]
        refused = next((n for n, line in enumerate(lines) if isinstance(line, str)), None)
        if refused is not None:
            return _error(["lineItems", str(refused), "variantId"], lines[refused])
        shipping = Decimal(str(((given.get("shippingLine") or {}).get("priceWithCurrency") or {}).get("amount") or 0))
        gid = f"gid://shopify/DraftOrder/{next(_ids)}"
        self.drafts[gid] = {"status": "OPEN", "tags": list(given.get("tags") or ()), "note": given.get("note"),
                            "lines": lines, "shipping": shipping, "input": given, "order": None, "made": None,
                            "total": sum((p * q for _, q, p in lines), Decimal(0)) + shipping}
        return {"draftOrder": {"id": gid, "status": "OPEN"}, "userErrors": []}

    def draftOrderComplete(self, args):
        # shopify.dev/docs/api/admin-graphql/2024-07/mutations/draftordercomplete: paymentPending "Default: false",
        # i.e. the order is marked as paid (2026-10 deprecates it: "Create a draft with payment terms rather than
        # marking the draft as pending"); the draft becomes COMPLETED with its `order` (DraftOrderStatus: "The draft
        # order has been paid"), and a completed draft cannot be completed again.
        draft = self.drafts.get(args["id"])
        if draft is None:
            return _error(["id"], "Draft order not found")
        if draft["status"] == "COMPLETED":
            return _error(["id"], "This order has been paid")
        number = next(_numbers)
        order_id = str(next(_ids))
        self.add_order(order_id, [(str(next(_ids)), qty, str(price)) for _, qty, price in draft["lines"]],
                       shipping=str(draft["shipping"]))
        draft["order"] = {"id": f"gid://shopify/Order/{order_id}", "name": f"#{number}"}
        draft["made"] = {**draft["order"], "total": draft["total"], "tags": draft["tags"], "note": draft["note"],
                         "paid": not args.get("paymentPending"), "lines": draft["lines"]}
        draft["status"] = "COMPLETED"
        return {"draftOrder": {"id": args["id"], "status": "COMPLETED", "order": draft["order"]}, "userErrors": []}
