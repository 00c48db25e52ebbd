"""The emulated shop's return processing: returnProcess, as Shopify's returns processing APIs behave.

Shopify's changelog "Returns Processing APIs replace Return Refund APIs" (2025-07) and the guide "Migrate to
return processing": a return is settled by returnProcess, which confirms each return line's quantity, disposes
of the units (RESTOCKED needs a locationId, per ReverseFulfillmentOrderDisposeInput in the 2026-10 schema),
issues the refund or store credit, and closes the return once nothing is left to process.
"""
from __future__ import annotations

import itertools
from decimal import Decimal

_ids = itertools.count(900_000)
LOCATION = "gid://shopify/Location/1"


def _error(field: str, message: str, code: str = "INVALID") -> dict:
    return {"return": None, "userErrors": [{"field": ["input", field], "message": message, "code": code}]}


class ReturnProcessingMixin:
    """returnProcess over the shop's returns and orders (the ShopState it is mixed into)."""

    def line_item_of(self, fli) -> str | None:
        """The order line a fulfillment line item (gid or bare id) ships."""
        for order in self.orders.values():
            for node in (n for f in order["fulfillments"] for n in f["fulfillmentLineItems"]["nodes"]):
                if str(fli) in (node["id"], node["id"].rsplit("/", 1)[-1]):
                    return node["lineItem"]["id"]
        return None

    def order_of_return(self, ret: dict) -> str | None:
        """The return's order: recorded, or the one whose fulfillment its first line came from."""
        line = self.line_item_of(ret["lines"][0][0]) if ret["lines"] else None
        return ret["order"] or next((oid for oid, o in self.orders.items() if line in o["lines"]), None)

    def return_line_node(self, fli, quantity: int, note: str | None) -> dict:
        """A ReturnLineItem as the return holds it; processableQuantity is what returnProcess has not taken."""
        node = {"id": f"gid://shopify/ReturnLineItem/{next(_ids)}", "quantity": quantity, "processed": 0,
                "returnReasonNote": note, "fulfillmentLineItem": {"id": str(fli), "lineItem": {"id": self.line_item_of(fli)}}}
        node["processableQuantity"] = lambda _args, n=node: n["quantity"] - n["processed"]
        return node

    def _check_lines(self, ret: dict, items) -> str | None:
        lines = {li["id"]: li for li in ret["line_items"]}
        rfo_lines = {li["id"] for rfo in ret["rfos"] for li in rfo["lineItems"]["nodes"]}
        for item in items:
            line = lines.get(item["id"])
            if line is None or item["quantity"] > line["quantity"] - line["processed"]:
                return "Return line item quantity exceeds the processable quantity"
            disposals = item.get("dispositions") or ()
            if disposals and sum(d["quantity"] for d in disposals) != item["quantity"]:
                return "Dispositions must account for the processed quantity"
            for d in disposals:
                if d["reverseFulfillmentOrderLineItemId"] not in rfo_lines:
                    return "Reverse fulfillment order line item does not exist"
                if d["dispositionType"] == "RESTOCKED" and not d.get("locationId"):
                    return "Location is required when the disposition type is RESTOCKED"
        return None

    @staticmethod
    def _money(transfer: dict) -> tuple[Decimal, Decimal]:
        paid = sum((Decimal(t["transactionAmount"]["amount"]) for t in transfer.get("orderTransactions") or ()),
                   Decimal(0))
        credit = sum((Decimal(m["storeCreditRefund"]["amount"]["amount"]) for m in transfer.get("refundMethods") or ()
                      if m.get("storeCreditRefund")), Decimal(0))
        return paid, credit

    def returnProcess(self, args):
        given = args["input"]
        ret = self.returns.get(given["returnId"])
        if ret is None:
            return _error("returnId", "Return does not exist", "NOT_FOUND")
        if ret["status"] != "OPEN":
            return _error("returnId", "Return is not open", "INVALID_STATE")
        items = given.get("returnLineItems") or []
        if problem := self._check_lines(ret, items):
            return _error("returnLineItems", problem)
        if problem := self.check_exchanges(ret, given.get("exchangeLineItems") or []):
            return _error("exchangeLineItems", problem)
        order = self.orders[self.order_of_return(ret)]
        paid, credit = self._money((given.get("financialTransfer") or {}).get("issueRefund") or {})
        if paid + credit > self.refundable(order):
            return _error("financialTransfer", "Refund amount exceeds refundable")
        self._settle(ret, order, items, paid, credit)
        self.confirm_exchanges(ret, given.get("exchangeLineItems") or [])
        return {"return": {"id": given["returnId"], "status": ret["status"]}, "userErrors": []}

    def _settle(self, ret: dict, order: dict, items, paid: Decimal, credit: Decimal) -> None:
        lines = {li["id"]: li for li in ret["line_items"]}
        for item in items:
            line = lines[item["id"]]
            line["processed"] += item["quantity"]
            unit = line["fulfillmentLineItem"]["lineItem"]["id"]
            order["refunded_units"][unit] = order["refunded_units"].get(unit, 0) + item["quantity"]
            for d in item.get("dispositions") or ():
                ret.setdefault("dispositions", []).append((unit, d["quantity"], d["dispositionType"]))
        order["refunded"] += paid + credit
        order["store_credit"] = order.get("store_credit", Decimal(0)) + credit
        self.refunds.append({"id": f"gid://shopify/Refund/{next(_ids)}", "amount": paid, "credit": credit,
                             "return": True, "lines": [(lines[i["id"]]["fulfillmentLineItem"]["lineItem"]["id"],
                                                        i["quantity"]) for i in items]})
        if all(li["processed"] >= li["quantity"] for li in ret["line_items"]):
            ret["status"] = "CLOSED"
