"""Shopify effects of a decision, through the Admin GraphQL API; each one safe to repeat."""
from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)

from adapters.base import ActionGateway
from adapters.http import PlatformError
from adapters.shopify import documents as docs
from adapters.shopify import exchanges, orders_out
from adapters.shopify import process_documents as process_docs
from adapters.shopify import process_return as process
from adapters.shopify import store_credit
from adapters.shopify.client import ShopifyClient
from integration.domain import actions as act
from adapters.shopify.scopes import order_or_unreadable
from adapters.shopify.notes import DECLINE_NOTE_LIMIT, ENTRY_LIMIT, bounded_note, shorten
from adapters.shopify.returns import find_marked_return, open_return, order_returns
from adapters.shopify.order_edits import OrderEditActions


def _gid(kind: str, value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def _check(payload: dict, *keys: str) -> dict:
    for key in keys or ("userErrors",):
        errors = payload.get(key) or []
        if errors:
            raise PlatformError(f"shopify: {errors[0].get('message')}", retryable=False)
    return payload


class ShopifyActions(OrderEditActions, ActionGateway):
    """perform(kind, payload, key): the action kinds the planner emits, for one shop."""

    platform = "shopify"
    unsupported: dict[str, str] = {}

    def __init__(self, client: ShopifyClient, labels=None):
        self.client, self.labels = client, labels

    def do_order_note(self, payload: act.OrderNote, key: str) -> dict:
        """Append to the order's staff note, keeping what is there; the key marks it so a retry adds nothing. Notes
        on one order are written one at a time (read, append, write), and the note stays within Shopify's limit."""
        order = _gid("Order", payload.order_id)
        with self.locks.hold(str(payload.order_id)):
            note = order_or_unreadable(self.client.graphql(docs.ORDER_NOTE, {"id": order})["order"], order).get("note") or ""
            marker = f"[{key}]"
            if marker in note:
                return {"skipped": "already noted"}
            text = bounded_note(note, f"{shorten(payload.text, ENTRY_LIMIT - len(marker) - 1)} {marker}")
            _check(self.client.graphql(docs.UPDATE_ORDER_NOTE, {"input": {"id": order, "note": text}})["orderUpdate"])
        return {"noted": order}

    def do_customer_note(self, payload: act.CustomerNote, key: str) -> dict:
        """Shopify has no note a customer reads (the order note is staff-only): the customer's words are on their
        request page, and Shopify's own return emails (notifyCustomer) tell them of approvals and declines."""
        return {"skipped": "shown on the customer's request page: Shopify orders have no customer note"}

    def do_tag_order(self, payload: act.TagOrder, key: str) -> dict:
        """Tag the order, or take the tag off (tags are a set: repeating either is harmless)."""
        order = _gid("Order", payload.order_id)
        if payload.remove:
            _check(self.client.graphql(docs.UNTAG_ORDER, {"id": order, "tags": [payload.tag]})["tagsRemove"])
            return {"untagged": payload.tag}
        _check(self.client.graphql(docs.TAG_ORDER, {"id": order, "tags": [payload.tag]})["tagsAdd"])
        return {"tagged": payload.tag}

    def _return_state(self, return_id: str, mutation: str, field: str, variables: dict, done: set[str]) -> dict:
        result = self.client.graphql(mutation, {"input": variables})[field]
        if result.get("userErrors"):
            status = (self.client.graphql(docs.RETURN_STATUS, {"id": variables["id"]})["return"] or {}).get("status")
            if status in done:  # an earlier attempt got through; its answer was lost
                return {"return": return_id, "status": status}
            _check(result)
        return {"return": return_id, "status": result["return"]["status"]}

    def do_approve_return(self, payload: act.ApproveReturn, key: str) -> dict:
        """returnApproveRequest."""
        variables = {"id": _gid("Return", payload.return_id), "notifyCustomer": True}
        return self._return_state(payload.return_id, docs.APPROVE_RETURN, "returnApproveRequest", variables,
                                  {"OPEN", "CLOSED"})

    def do_create_return(self, payload: act.CreateReturn, key: str) -> dict:
        """returnCreate (an OPEN return: we approved it already) for a request from our API, opened once."""
        opened = self.ledger.get("return")
        if opened is None:
            opened = open_return(self.client, _gid("Order", payload.order_id), payload.lines, payload.marker,
                                 payload.requested_at, payload.exchanges)
            self.ledger.record("return", opened)
        return opened

    def _label_return_id(self, payload: act.ReturnLabel) -> str | None:
        """The return a label hangs off: the platform's, or the one our create_return action opens."""
        if payload.return_id or not payload.return_marker:
            return payload.return_id
        found = find_marked_return(order_returns(self.client, _gid("Order", payload.order_id)),
                                   payload.return_marker)
        if found is None:  # the create_return action has not opened it yet
            raise PlatformError("shopify: our return is not open yet", retryable=True)
        return found["id"]

    def do_decline_return(self, payload: act.DeclineReturn, key: str) -> dict:
        """returnDeclineRequest with the reason and a customer-facing note quoting the policy."""
        variables = {"id": _gid("Return", payload.return_id), "declineReason": payload.reason,
                     "declineNote": shorten(payload.note, DECLINE_NOTE_LIMIT), "notifyCustomer": True}
        return self._return_state(payload.return_id, docs.DECLINE_RETURN, "returnDeclineRequest", variables,
                                  {"DECLINED"})

    def do_refund(self, payload: act.Refund, key: str) -> dict:
        """Settle the return the refund belongs to with returnProcess; without one, refundCreate; then a store
        credit's bonus with storeCreditAccountCredit, once (adapters/shopify/store_credit.py)."""
        return_id = payload.return_id or self._marked_return_id(payload)
        made = self._process_return(payload, key, return_id) if return_id else self._create_refund(payload, key)
        if payload.method == "store_credit" and Decimal(payload.bonus or 0) > 0:
            made = {**made, **store_credit.credit_bonus(self.client, self.ledger, (self.locks, key),
                                                        _gid("Order", payload.order_id), payload.bonus,
                                                        payload.currency)}
        return made

    def _marked_return_id(self, payload: act.Refund) -> str | None:
        if not payload.return_marker:
            return None
        found = find_marked_return(order_returns(self.client, _gid("Order", payload.order_id)), payload.return_marker)
        return found["id"] if found else None

    def _saved(self, name: str, build):
        """Variables worked out once and saved before the first attempt, so every retry resends exactly them."""
        variables = self.ledger.get(name)
        if variables is None:
            variables = build()
            self.ledger.record(name, variables)
        return variables

    def _create_refund(self, payload: act.Refund, key: str) -> dict:
        """refundCreate with @idempotent; Shopify refuses a used key with other parameters, and a second
        suggestedRefund would already reflect a refund whose answer was lost, hence the saved variables."""
        refund_input = self._saved("refund_input", lambda: self._refund_input(payload, key))
        result = _check(self.client.graphql(docs.ISSUE_REFUND, {"input": refund_input, "key": key})["refundCreate"])
        return {"refund": result["refund"]["id"],
                "amount": result["refund"]["totalRefundedSet"]["presentmentMoney"]["amount"]}

    def _money(self, payload: act.Refund) -> dict:
        """Shopify's suggested refund for the units and shipping (their tax included) less the decision's
        deductions: over the order's transactions, or all as store credit."""
        lines = [{"lineItemId": _gid("LineItem", line), "quantity": qty} for line, qty in payload.lines]
        offered = self.client.graphql(docs.SUGGESTED_REFUND, {"id": _gid("Order", payload.order_id), "lines": lines,
                                                              "shipping": payload.shipping or "0"})
        offered = order_or_unreadable(offered["order"], _gid("Order", payload.order_id))["suggestedRefund"]
        budget = max(Decimal(offered["amountSet"]["presentmentMoney"]["amount"]) - Decimal(payload.deductions), ZERO)
        if payload.method == "store_credit":
            return {"transactions": [], "credit": str(budget) if budget else None}
        transactions = []
        for tx in offered["suggestedTransactions"]:
            amount = min(Decimal(tx["amountSet"]["presentmentMoney"]["amount"]), budget)
            if amount > 0:
                transactions.append({"gateway": tx["gateway"], "amount": str(amount),
                                     "parentId": (tx.get("parentTransaction") or {}).get("id")})
                budget -= amount
        return {"transactions": transactions, "credit": None}

    def _refund_input(self, payload: act.Refund, key: str) -> dict:
        """refundCreate's input: the units, shipping, and the money to the card or as store credit."""
        order, money = _gid("Order", payload.order_id), self._money(payload)
        lines = [{"lineItemId": _gid("LineItem", line), "quantity": qty, "restockType": "NO_RESTOCK"}
                 for line, qty in payload.lines]
        out = {"orderId": order, "note": f"returnkit {key}", "notify": True, "refundLineItems": lines,
               "shipping": {"amount": payload.shipping or "0"},
               "transactions": [{"orderId": order, "kind": "REFUND", **t} for t in money["transactions"]]}
        if money["credit"]:
            out["refundMethods"] = [{"storeCreditRefund": {"amount": {"amount": money["credit"],
                                                                      "currencyCode": payload.currency}}}]
        return out

    def _process_return(self, payload: act.Refund, key: str, return_id: str) -> dict:
        """returnProcess with the refund's money, worked out once."""
        def variables(found: dict) -> dict:
            return self._saved("process_input", lambda: process.process_input(
                found, payload, self._money(payload), payload.currency))
        return self._process(return_id, payload, variables)

    def do_close_return(self, payload: act.CloseReturn, key: str) -> dict:
        """returnProcess with the kept lines NOT_RESTOCKED and no financial transfer (nothing to refund), once."""
        return self._process(payload.return_id, payload, lambda found: {
            "returnId": found["id"], "returnLineItems": process.return_lines(found, payload), "notifyCustomer": False})

    def _process(self, return_id: str, payload, variables_for) -> dict:
        """returnProcess, once: a return already closed, or whose lines are all processed, is done."""
        found = process.open_return(self.client, return_id)
        if found["status"] in process.SETTLED or not process.return_lines(found, payload):
            return {"return": return_id, "status": found["status"], "skipped": "already processed"}
        if found["status"] != "OPEN":   # requested, not yet approved: the approval comes first
            raise PlatformError(f"shopify: return {return_id} is {found['status']}, not open", retryable=True)
        result = self.client.graphql(process_docs.PROCESS_RETURN, {"input": variables_for(found)})["returnProcess"]
        if result.get("userErrors"):
            again = process.open_return(self.client, return_id)
            if again["status"] in process.SETTLED or not process.return_lines(again, payload):
                return {"return": return_id, "status": again["status"]}   # the lost answer's attempt got through
            _check(result)
        return {"return": return_id, "status": result["return"]["status"]}

    def do_cancel_order(self, payload: act.CancelOrder, key: str) -> dict:
        """orderCancel (refundMethod: the original payment), done only once Shopify's cancellation job is: the
        job is remembered and polled on each retry, and the order must then read as cancelled."""
        order = _gid("Order", payload.order_id)
        job = self.ledger.get("cancel_job")
        if job is None:
            variables = {"orderId": order, "refundMethod": {"originalPaymentMethodsRefund": payload.refund},
                         "restock": payload.restock, "staffNote": f"returnkit {key}"}
            result = self.client.graphql(docs.CANCEL_ORDER, variables)["orderCancel"]
            if result.get("orderCancelUserErrors"):
                return self._cancelled(order, result)   # an earlier attempt got through; its answer was lost
            job = result["job"]["id"]
            self.ledger.record("cancel_job", job)
        if not (self.client.graphql(docs.CANCEL_JOB, {"id": job})["job"] or {}).get("done"):
            raise PlatformError("shopify: the cancellation is still running", retryable=True)
        return {"job": job, **self._cancelled(order, None)}

    def _cancelled(self, order: str, refused: dict | None) -> dict:
        found = order_or_unreadable(self.client.graphql(docs.ORDER_CANCELLED, {"id": order})["order"], order)
        if found.get("cancelledAt"):
            return {"cancelled_at": found["cancelledAt"]}
        if refused is not None:
            _check(refused, "orderCancelUserErrors")
        raise PlatformError("shopify: the cancellation job ended without cancelling the order", retryable=False)

    def variant_in_stock(self, variant_id: str, units: int) -> bool:
        """Whether the variant can be sold in this quantity now (adapters/shopify/exchanges.py)."""
        return exchanges.variant_in_stock(self.client, variant_id, units)

    def variants_in_stock(self, wants: list[tuple[str | None, str, int]]) -> dict[str, bool]:
        """Many variants' stock at once, by variant id (the exchange picker; each want is product, variant, units)."""
        return exchanges.variants_in_stock(self.client, {str(variant): units for _product, variant, units in wants})

    def do_create_exchange(self, payload: act.CreateExchange, key: str) -> dict:
        """returnProcess with the return's exchange line items and its returned lines, once: Shopify releases the
        exchange's fulfillment order and settles any balance. Instant (no lines given back yet), only the exchange
        items: the return stays open for its parcel. Out of stock now, a review tag and a staff note instead."""
        return_id = payload.return_id or self._marked_return_id(payload)
        if return_id is None:
            raise PlatformError("shopify: our return is not open yet", retryable=True)
        items = exchanges.open_exchange_items(self.client, return_id)
        if items and (short := exchanges.out_of_stock(self.client, items)):
            self.do_tag_order(act.TagOrder(payload.order_id, payload.review_tag), key)
            note = act.OrderNote(payload.order_id, act.exchange_out_of_stock(short))
            return {"out_of_stock": short, **self.do_order_note(note, key)}
        if not payload.lines:
            return self._confirm_exchange(return_id, items)
        made = self._process(return_id, payload, lambda found: exchanges.process_input(
            found, process.return_lines(found, payload), items))
        return {**made, "exchange_items": [item["id"] for item in items]}

    def _confirm_exchange(self, return_id: str, items: list[dict]) -> dict:
        """returnProcess with the exchange items alone, once (a lost answer's attempt leaves none to confirm)."""
        if not items:
            return {"return": return_id, "skipped": "already processed"}
        variables = exchanges.process_input({"id": _gid("Return", return_id)}, [], items)
        result = self.client.graphql(process_docs.PROCESS_RETURN, {"input": variables})["returnProcess"]
        if result.get("userErrors") and exchanges.open_exchange_items(self.client, return_id):
            _check(result)
        return {"return": return_id, "exchange_items": [item["id"] for item in items], "return_open": True}

    def do_create_replacement(self, payload: act.CreateReplacement, key: str) -> dict:
        """draftOrderCreate (the same variants, 100 % off, free shipping, tagged with our marker) and
        draftOrderComplete (paid: nothing to pay), once: the marker's draft is looked for first (orders_out.py)."""
        with self.locks.hold(str(payload.order_id)):
            return orders_out.create_replacement(self.client, self.ledger, payload)

    def _customer_address(self, order_id) -> dict:
        order = order_or_unreadable(self.client.graphql(docs.ORDER_SHIPPING_ADDRESS, {"id": _gid("Order", order_id)})[
            "order"], _gid("Order", order_id))
        address = order.get("shippingAddress")
        if not address:
            raise PlatformError("shopify: the order has no shipping address to send a label to", retryable=False)
        return {"name": address.get("name"), "company": address.get("company"), "street1": address.get("address1"),
                "street2": address.get("address2"), "city": address.get("city"), "state": address.get("provinceCode"),
                "zip": address.get("zip"), "country": address.get("countryCodeV2"), "phone": address.get("phone")}

    def do_return_label(self, payload: act.ReturnLabel, key: str) -> dict:
        """A prepaid EasyPost label, bought once, attached to the return with reverseDeliveryCreateWithShipping
        (Shopify emails it to the customer); without a Shopify return, the link goes in the order note."""
        return_id = self._label_return_id(payload)
        label = self.bought_label(lambda: self._customer_address(payload.order_id), key)
        if not return_id:
            text = f"returnkit: prepaid return label {label['label_url']} (tracking {label['tracking_code']})"
            self.do_order_note(act.OrderNote(payload.order_id, text), key)
            return label
        found = self.client.graphql(docs.RETURN_FOR_LABEL, {"id": _gid("Return", return_id)})["return"]
        orders = ((found or {}).get("reverseFulfillmentOrders") or {}).get("nodes") or []
        if not orders:  # the approval has not reached Shopify yet: its reverse fulfillment order comes with it
            raise PlatformError("shopify: the return has no reverse fulfillment order yet", retryable=True)
        rfo = orders[0]
        if rfo["reverseDeliveries"]["nodes"]:  # an earlier attempt attached it; its answer was lost
            return {**label, "reverse_delivery": rfo["reverseDeliveries"]["nodes"][0]["id"]}
        variables = {"rfo": rfo["id"], "label": {"fileUrl": label["label_url"]},
                     "items": [{"reverseFulfillmentOrderLineItemId": li["id"], "quantity": li["totalQuantity"]}
                               for li in rfo["lineItems"]["nodes"]],
                     "tracking": {"number": label["tracking_code"], "url": label["tracking_url"]}}
        result = _check(self.client.graphql(docs.ATTACH_RETURN_LABEL, variables)["reverseDeliveryCreateWithShipping"])
        return {**label, "reverse_delivery": result["reverseDelivery"]["id"]}
