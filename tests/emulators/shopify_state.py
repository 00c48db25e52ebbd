"""The emulated shop's state and the resolvers for the fields returnkit uses, shaped to each selection set."""
from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import graphql

from tests.emulators.shopify_draft_orders_state import DraftOrdersMixin
from tests.emulators.shopify_exchanges_state import ExchangesMixin
from tests.emulators.shopify_order_edits_state import OrderEditsMixin
from tests.emulators.shopify_orders_state import OrdersConnectionMixin
from tests.emulators.shopify_returns_state import LOCATION, ReturnProcessingMixin
from tests.emulators.shopify_store_credit_state import StoreCreditMixin
from tests.emulators.shopify_webhooks_state import WebhookSubscriptionsMixin

_ids = itertools.count(1000)
_CENT = Decimal("0.01")


class GraphQLError(Exception):
    """A top-level GraphQL error, as Shopify answers it ({"errors": [{"message", "extensions": {"code"}}]})."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code
ROOT_METHODS = {"return": "return_", "orders": "orders_connection"}   # root fields whose names are taken


def _arg_value(node, variables: dict):
    if isinstance(node, graphql.VariableNode):
        return variables.get(node.name.value)
    return graphql.value_from_ast_untyped(node, variables)


def _args(field: graphql.FieldNode, variables: dict) -> dict:
    return {a.name.value: _arg_value(a.value, variables) for a in field.arguments or ()}


def shape(value, selection: graphql.SelectionSetNode, variables: dict):
    """Keep exactly the fields the document selected (aliases honoured), calling field resolvers."""
    if isinstance(value, list):
        return [shape(v, selection, variables) for v in value]
    if value is None:
        return None
    out = {}
    for field in selection.selections:
        if isinstance(field, graphql.InlineFragmentNode):  # the emulator's nodes are of the fragment's type
            out.update(shape(value, field.selection_set, variables))
            continue
        sub = value.get(field.name.value)
        if callable(sub):
            sub = sub(_args(field, variables))
        key = field.alias.value if field.alias else field.name.value
        out[key] = shape(sub, field.selection_set, variables) if field.selection_set else sub
    return out


class ShopState(WebhookSubscriptionsMixin, OrdersConnectionMixin, ReturnProcessingMixin, OrderEditsMixin,
                DraftOrdersMixin, StoreCreditMixin, ExchangesMixin):
    """Orders, returns, refunds and products of one emulated shop."""

    def __init__(self):
        self.orders: dict[str, dict] = {}
        self.returns: dict[str, dict] = {}
        self.products: dict[str, dict] = {}
        self.idempotency: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.jobs: list[tuple[dict, object]] = []
        self.hold_jobs = False

    def add_order(self, order_id, lines, shipping="0", currency="USD", gateway="shopify_payments",
                  address: dict | None = None, shipping_tax="0") -> None:
        """lines: [(line id, quantity, unit price[, tax per unit])], all shipped in one fulfillment."""
        lines = [(lid, qty, price, *(rest or ("0",))) for lid, qty, price, *rest in lines]
        fulfillment = {"id": f"gid://shopify/Fulfillment/{next(_ids)}", "location": {"id": LOCATION},
                       "fulfillmentLineItems": {"nodes": [
            {"id": f"gid://shopify/FulfillmentLineItem/{next(_ids)}", "quantity": qty,
             "lineItem": {"id": f"gid://shopify/LineItem/{lid}"}} for lid, qty, *_ in lines]}}
        self.orders[f"gid://shopify/Order/{order_id}"] = {"fulfillments": [fulfillment],
            "address": address or {"name": "Sam Rivera", "company": None, "address1": "12 Test Lane", "address2": None,
                                   "city": "Boulder", "provinceCode": "CO", "zip": "80302", "countryCodeV2": "US",
                                   "phone": None},
            "note": "", "tags": [], "cancelled": False, "cancelled_at": None, "refunded": Decimal(0), "currency": currency,
            "shipping": Decimal(shipping), "shipping_tax": Decimal(shipping_tax), "gateway": gateway,
            "transaction": f"gid://shopify/OrderTransaction/{next(_ids)}", "refunded_units": {},
            "lines": {f"gid://shopify/LineItem/{lid}": (qty, Decimal(price), Decimal(tax)) for lid, qty, price, tax in lines}}

    def add_return(self, return_id, status="REQUESTED", lines=((1, 1),)) -> None:
        """lines: [(fulfillment line id, quantity)]; the reverse fulfillment order appears on approval."""
        self.returns[f"gid://shopify/Return/{return_id}"] = {"status": status, "lines": list(lines), "rfos": [],
                                                            "order": None, "line_items": [
                                                                self.return_line_node(fli, qty, None) for fli, qty in lines]}
        if status == "OPEN":
            self._open(self.returns[f"gid://shopify/Return/{return_id}"])

    def _open(self, ret: dict) -> None:
        rfo = {"id": f"gid://shopify/ReverseFulfillmentOrder/{next(_ids)}", "reverseDeliveries": {"nodes": []},
               "lineItems": {"nodes": [{"id": f"gid://shopify/ReverseFulfillmentOrderLineItem/{next(_ids)}",
                                        "totalQuantity": qty, "fulfillmentLineItem": {
                                            "id": str(fli), "lineItem": {"id": self.line_item_of(fli)}}}
                                       for fli, qty in ret["lines"]]}}
        ret["rfos"].append(rfo)

    def refundable(self, order: dict) -> Decimal:
        paid = sum((q * (p + t) for q, p, t in order["lines"].values()), Decimal(0))
        return paid + order["shipping"] + order["shipping_tax"] - order["refunded"]

    def suggested_amount(self, order: dict, refund_lines, shipping) -> Decimal:
        """What Shopify suggests for these units and shipping: their price and their tax (shipping's tax
        pro rata), never more than is left to refund. Shopify's suggestedRefund "includes taxes" (Admin API
        2026-10, Order.suggestedRefund: subtotal plus totalTaxes); the real CAD order in the fixtures shows it."""
        items = sum(((order["lines"][li["lineItemId"]][1] + order["lines"][li["lineItemId"]][2]) * li["quantity"]
                     for li in refund_lines or ()), Decimal(0))
        shipping = Decimal(shipping or 0)
        ship_tax = (order["shipping_tax"] * shipping / order["shipping"]).quantize(_CENT) if order["shipping"] else 0
        return min((items + shipping + ship_tax).quantize(_CENT, ROUND_HALF_UP), self.refundable(order))

    def unrefundable_line(self, order: dict, refund_lines) -> str | None:
        """A line asked for beyond its units not yet refunded (Shopify refuses those refunds)."""
        for li in refund_lines or ():
            ordered = order["lines"].get(li["lineItemId"], (0,))[0]
            if li["quantity"] > ordered - order["refunded_units"].get(li["lineItemId"], 0):
                return li["lineItemId"]
        return None

    # --- queries
    def order(self, args):
        order = self.orders.get(args["id"])
        if order is None:
            return None

        def suggested(a):
            amount = self.suggested_amount(order, a.get("refundLineItems"), a.get("shippingAmount"))
            money = {"presentmentMoney": {"amount": str(amount), "currencyCode": order["currency"]}}
            return {"amountSet": money, "suggestedTransactions": [
                {"gateway": order["gateway"], "kind": "SUGGESTED_REFUND", "parentTransaction": {"id": order["transaction"]},
                 "amountSet": money}]}
        returns = [{"id": rid, "status": ret["status"], "returnLineItems": {"nodes": ret["line_items"]}}
                   for rid, ret in self.returns.items() if ret["order"] == args["id"]]
        return {"id": args["id"], "note": order["note"], "tags": order["tags"], "suggestedRefund": suggested,
                "cancelledAt": order["cancelled_at"], "shippingAddress": order["address"],
                "returns": {"nodes": returns}, "fulfillments": order["fulfillments"], **self.order_extras(args["id"])}

    def return_(self, args):
        ret = self.returns.get(args["id"])
        return None if ret is None else {"id": args["id"], "status": ret["status"],
                                         "reverseFulfillmentOrders": {"nodes": ret["rfos"]},
                                         "returnLineItems": {"nodes": ret["line_items"]},
                                         "exchangeLineItems": {"nodes": ret.get("exchanges", [])},
                                         "order": {"id": self.order_of_return(ret),
                                                   "fulfillments": self.orders.get(self.order_of_return(ret), {})
                                                   .get("fulfillments", [])}}

    def product(self, args):
        return self.products.get(args["id"])

    # The Shop the access token belongs to (https://shopify.dev/docs/api/admin-graphql/latest/queries/shop); its
    # number is the shop_id of the compliance webhooks (the fixtures' kaolate-demo shop is 8880001).
    shop_gid = "gid://shopify/Shop/8880001"

    def shop(self, _args):
        return {"id": self.shop_gid}

    # --- mutations
    def orderUpdate(self, args):
        order = self.orders.get(args["input"]["id"])
        if order is None:
            return {"order": None, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}
        if len(args["input"].get("note") or "") > 5000:   # Shopify's Order.note limit: the update is refused
            return {"order": None, "userErrors": [{"field": ["note"], "message": "Note is too long (maximum is 5000 characters)"}]}
        if "note" in args["input"]:
            order["note"] = args["input"]["note"]
        if "shippingAddress" in args["input"]:
            order["address"] = self.shipping_address_from_input(args["input"]["shippingAddress"])
        return {"order": {"id": args["input"]["id"], "shippingAddress": order["address"]}, "userErrors": []}

    def tagsAdd(self, args):
        order = self.orders[args["id"]]
        order["tags"] = sorted(set(order["tags"]) | set(args["tags"]))
        return {"node": {"id": args["id"]}, "userErrors": []}

    def tagsRemove(self, args):
        """tagsRemove (shopify.dev/docs/api/admin-graphql/latest/mutations/tagsRemove): the tags given are taken off
        the resource; one it does not have is no error."""
        order = self.orders[args["id"]]
        order["tags"] = sorted(set(order["tags"]) - set(args["tags"]))
        return {"node": {"id": args["id"]}, "userErrors": []}

    def _move_return(self, args, to: str):
        ret = self.returns.get(args["input"]["id"])
        if ret is None or ret["status"] != "REQUESTED":
            return {"return": None, "userErrors": [{"field": ["id"], "message": "Return is not in a requestable state",
                                                    "code": "INVALID_STATE"}]}
        ret["status"] = to
        if to == "OPEN":
            self._open(ret)
        return {"return": {"id": args["input"]["id"], "status": to}, "userErrors": []}

    def returnApproveRequest(self, args):
        return self._move_return(args, "OPEN")

    def returnDeclineRequest(self, args):
        return self._move_return(args, "DECLINED")

    def _returnable(self, order_id: str) -> dict[str, int]:
        """Fulfilled quantity per fulfillment line item, less what open or closed returns already hold."""
        left = {fli["id"]: fli["quantity"] for f in self.orders[order_id]["fulfillments"]
                for fli in f["fulfillmentLineItems"]["nodes"]}
        for ret in self.returns.values():
            if ret["order"] == order_id and ret["status"] not in ("DECLINED", "CANCELED"):
                for fli, qty in ret["lines"]:
                    left[fli] -= qty
        return left

    def returnCreate(self, args):
        given = args["returnInput"]
        if given["orderId"] not in self.orders:
            return {"return": None, "userErrors": [{"field": ["orderId"], "message": "Order does not exist",
                                                    "code": "NOT_FOUND"}]}
        left = self._returnable(given["orderId"])
        for item in given["returnLineItems"]:
            if left.get(item["fulfillmentLineItemId"], 0) < item["quantity"]:
                return {"return": None, "userErrors": [{"field": ["returnLineItems"], "code": "INVALID",
                                                        "message": "Quantity is not returnable"}]}
        return_id = f"gid://shopify/Return/{next(_ids)}"
        ret = {"status": "OPEN", "order": given["orderId"], "rfos": [],
               "lines": [(i["fulfillmentLineItemId"], i["quantity"]) for i in given["returnLineItems"]],
               "line_items": [self.return_line_node(i["fulfillmentLineItemId"], i["quantity"], i.get("returnReasonNote"))
                              for i in given["returnLineItems"]]}
        if problem := self.add_exchanges(ret, given.get("exchangeLineItems") or []):
            return {"return": None, "userErrors": [{"field": ["exchangeLineItems"], "message": problem,
                                                    "code": "INVALID"}]}
        self.returns[return_id] = ret
        self._open(ret)
        return {"return": {"id": return_id, "status": "OPEN"}, "userErrors": []}

    def reverseDeliveryCreateWithShipping(self, args):
        rfo = next((r for ret in self.returns.values() for r in ret["rfos"] if r["id"] == args["reverseFulfillmentOrderId"]),
                   None)
        if rfo is None:
            return {"reverseDelivery": None, "userErrors": [{"field": ["reverseFulfillmentOrderId"],
                                                             "message": "Reverse fulfillment order does not exist",
                                                             "code": "NOT_FOUND"}]}
        known = {li["id"]: li["totalQuantity"] for li in rfo["lineItems"]["nodes"]}
        for item in args["reverseDeliveryLineItems"]:
            if known.get(item["reverseFulfillmentOrderLineItemId"], 0) < item["quantity"]:
                return {"reverseDelivery": None, "userErrors": [{"field": ["reverseDeliveryLineItems"],
                                                                 "message": "Invalid line item or quantity",
                                                                 "code": "INVALID"}]}
        delivery = {"id": f"gid://shopify/ReverseDelivery/{next(_ids)}", "label": (args.get("labelInput") or {}).get("fileUrl"),
                    "tracking": args.get("trackingInput"), "notify": args.get("notifyCustomer")}
        rfo["reverseDeliveries"]["nodes"].append(delivery)
        return {"reverseDelivery": delivery, "userErrors": []}

    def refundCreate(self, args, key: str | None):
        if key and key in self.idempotency:
            # shopify.dev/docs/api/usage/implementing-idempotency: a key replays the first result only for the
            # same variables; other parameters under a used key are refused, nothing is refunded again.
            first_args, result = self.idempotency[key]
            if first_args != args:
                raise GraphQLError("The same idempotency key cannot be used with different operation parameters.",
                                   "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")
            return result
        order = self.orders[args["input"]["orderId"]]
        total = sum((Decimal(t["amount"]) for t in args["input"].get("transactions") or ()), Decimal(0))
        if total > self.refundable(order):
            return {"refund": None, "userErrors": [{"field": ["transactions"], "message": "Refund amount exceeds refundable"}]}
        if (line := self.unrefundable_line(order, args["input"].get("refundLineItems"))) is not None:
            return {"refund": None, "userErrors": [{"field": ["refundLineItems"],
                                                    "message": f"Line item {line} quantity exceeds refundable quantity"}]}
        for li in args["input"].get("refundLineItems") or ():
            order["refunded_units"][li["lineItemId"]] = order["refunded_units"].get(li["lineItemId"], 0) + li["quantity"]
        order["refunded"] += total
        refund = {"id": f"gid://shopify/Refund/{next(_ids)}", "amount": total, "key": key,
                  "order": args["input"]["orderId"],
                  "lines": [(li["lineItemId"], li["quantity"]) for li in args["input"].get("refundLineItems") or ()],
                  "shipping": Decimal((args["input"].get("shipping") or {}).get("amount") or 0),
                  "totalRefundedSet": {"presentmentMoney": {"amount": str(total), "currencyCode": order["currency"]}}}
        self.refunds.append(refund)
        result = {"refund": refund, "userErrors": []}
        if key:
            self.idempotency[key] = (args, result)
        return result

    def orderCancel(self, args):
        """Asynchronous, as Shopify's is: the answer carries a Job; the order is cancelled (and refunded, by
        refundMethod) when the job runs (shopify.dev, orderCancel: "poll the job to know when it is done")."""
        order = self.orders[args["orderId"]]
        if order["cancelled"] or order.get("cancelling"):
            return {"job": None, "orderCancelUserErrors": [{"field": ["orderId"], "message": "Order has already been cancelled",
                                                            "code": "INVALID"}]}
        order["cancelling"] = True
        method = args.get("refundMethod") or {}
        job = {"id": f"gid://shopify/Job/{next(_ids)}", "done": False}

        def run():
            order["cancelled"], order["cancelled_at"], job["done"] = True, "2026-05-01T17:00:00Z", True
            if method.get("originalPaymentMethodsRefund") or method.get("storeCreditRefund") is not None:
                order["refunded"] += self.refundable(order)
        self.jobs.append((job, run))
        return {"job": dict(job), "orderCancelUserErrors": []}

    def job(self, args):
        return next(({"id": job["id"], "done": job["done"]} for job, _ in self.jobs if job["id"] == args["id"]), None)

    def run_jobs(self) -> None:
        """Jobs run between requests (unless a test holds them, to see an action wait for one)."""
        if not self.hold_jobs:
            for job, run in self.jobs:
                if not job["done"]:
                    run()

    def execute(self, operation: graphql.OperationDefinitionNode, variables: dict) -> dict:
        """Resolve each top-level field of the operation."""
        self.run_jobs()
        data = {}
        for field in operation.selection_set.selections:
            name = field.name.value
            args = _args(field, variables)
            if name == "refundCreate":
                key = next((_args(d, variables)["key"] for d in field.directives if d.name.value == "idempotent"), None)
                value = self.refundCreate(args, key)
            else:
                value = getattr(self, ROOT_METHODS.get(name, name))(args)
            data[field.alias.value if field.alias else name] = shape(value, field.selection_set, variables)
        return data
