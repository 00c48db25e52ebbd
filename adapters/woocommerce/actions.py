"""WooCommerce effects of a decision, through REST v3. WooCommerce has no idempotency key, so each
effect carries our marker and is looked for before it is made."""
from __future__ import annotations

from adapters.base import ActionGateway
from adapters.http import PlatformError
from adapters.woocommerce.client import WooCommerceClient
from integration.domain import actions as act


# WooCommerce's answer when the order's gateway cannot refund (wc_refund_payment() threw): the refund was not kept.
NO_GATEWAY_REFUND = "woocommerce_rest_cannot_create_order_refund"
# WooCommerce core's offline gateways never refund (their `supports` is only 'products'); "" is an order
# made in the admin with no payment method (wc_refund_payment: "the payment gateway ... does not exist").
OFFLINE_GATEWAYS = {"", "bacs", "cheque", "cod"}
NO_REFUND_MESSAGES = ("does not exist", "does not support automatic refunds")
BY_HAND = "by hand"


class WooCommerceActions(ActionGateway):
    """perform(kind, payload, key) for one store."""

    platform = "woocommerce"
    # WooCommerce has no returns of its own: a request reaches returnkit through its page or API, and the
    # planner never asks for these (a platform return id only comes from a platform that has returns).
    unsupported = {
        "approve_return": "WooCommerce has no returns to approve: the customer is told by an order note",
        "create_return": "WooCommerce has no returns to open: the request is tracked in returnkit",
        "decline_return": "WooCommerce has no returns to decline: the customer is told by an order note",
    }

    def __init__(self, client: WooCommerceClient, labels=None):
        self.client, self.labels = client, labels

    def _note(self, payload: act.OrderNote | act.CustomerNote, key: str, customer: bool) -> dict:
        order, marker = payload.order_id, f"[{key}]"
        notes = self.client.get(f"orders/{order}/notes") or []
        if any(marker in (n.get("note") or "") for n in notes):
            return {"skipped": "already noted"}
        note = self.client.post(f"orders/{order}/notes", {"note": f"{payload.text} {marker}",
                                                          "customer_note": customer})
        return {"note": note.get("id")}

    def do_order_note(self, payload: act.OrderNote, key: str) -> dict:
        """A private order note."""
        return self._note(payload, key, customer=False)

    def do_customer_note(self, payload: act.CustomerNote, key: str) -> dict:
        """A note the customer sees (and is emailed)."""
        return self._note(payload, key, customer=True)

    def do_tag_order(self, payload: act.TagOrder, key: str) -> dict:
        """WooCommerce orders have no tags: a meta flag the merchant can filter on."""
        self.client.put(f"orders/{payload.order_id}", {"meta_data": [{"key": "_returnkit_tag", "value": payload.tag}]})
        return {"tagged": payload.tag}

    def do_refund(self, payload: act.Refund, key: str) -> dict:
        """POST orders/{id}/refunds with an explicit api_refund, unless a refund with our marker exists; the
        order's lock keeps another refund from looking and creating at the same time. A gateway that cannot send
        money back (cash on delivery, bank transfer, cheque) gets the refund recorded and the merchant a note to
        pay it by hand."""
        order, marker = payload.order_id, f"[{key}]"
        with self.locks.hold(order):
            found = next((r for r in self.client.get(f"orders/{order}/refunds") or []
                          if marker in (r.get("reason") or "")), None)
            refund = found or self._create_refund(payload, marker)
        if BY_HAND in (refund.get("reason") or ""):
            return {"refund": refund.get("id"), "refund_by_hand": True, **self._by_hand_note(payload, key)}
        return {"refund": refund.get("id"), **({"skipped": "already refunded"} if found else {})}

    def _create_refund(self, payload: act.Refund, marker: str) -> dict:
        lines = [{"id": int(line), "quantity": qty} for line, qty in payload.lines]
        body = {"amount": payload.amount, "reason": f"returnkit refund {marker}", "api_refund": True, "line_items": lines}
        by_hand = {**body, "api_refund": False, "reason": f"returnkit refund {BY_HAND} {marker}"}
        gateway = (self.client.get(f"orders/{payload.order_id}") or {}).get("payment_method") or ""
        if gateway in OFFLINE_GATEWAYS:
            return self.client.post(f"orders/{payload.order_id}/refunds", by_hand)
        try:
            return self.client.post(f"orders/{payload.order_id}/refunds", body)
        except PlatformError as exc:
            # Another gateway without refunds: WooCommerce deleted the refund it made, so nothing was kept.
            # Only the refusals wc_refund_payment() makes before any money moves; a gateway that failed mid-refund
            # ("An error occurred ... payment gateway API") is retried, never turned into a refund by hand.
            if exc.code != NO_GATEWAY_REFUND or not any(m in (exc.detail or "") for m in NO_REFUND_MESSAGES):
                raise
        return self.client.post(f"orders/{payload.order_id}/refunds", by_hand)

    def _by_hand_note(self, payload: act.Refund, key: str) -> dict:
        text = (f"returnkit: refund {payload.amount} {payload.currency} to the customer by hand. The order's payment "
                "method cannot send money back, so WooCommerce recorded the refund without paying it.")
        return self._note(act.OrderNote(payload.order_id, text), key, customer=False)

    def do_cancel_order(self, payload: act.CancelOrder, key: str) -> dict:
        """Status cancelled, then the refund; an offline gateway's order (often not paid yet when it is cancelled)
        gets no refund recorded, only a note to refund by hand what the customer did pay."""
        gateway = (self.client.get(f"orders/{payload.order_id}") or {}).get("payment_method") or ""
        self.client.put(f"orders/{payload.order_id}", {"status": "cancelled"})
        if gateway in OFFLINE_GATEWAYS:
            text = (f"returnkit: order cancelled. Its payment method cannot send money back: if the customer has paid, "
                    f"refund up to {payload.amount} {payload.currency} by hand.")
            note = self._note(act.OrderNote(payload.order_id, text), key, customer=False)
            return {"cancelled": payload.order_id, "refund_by_hand": "if paid", **note}
        refund = act.Refund(payload.order_id, payload.amount, payload.currency, None, [])
        return {"cancelled": payload.order_id, **self.do_refund(refund, key)}

    def _customer_address(self, order_id) -> dict:
        shipping = (self.client.get(f"orders/{order_id}") or {}).get("shipping") or {}
        if not shipping.get("address_1"):
            raise PlatformError("woocommerce: the order has no shipping address to send a label to", retryable=False)
        name = " ".join(p for p in (shipping.get("first_name"), shipping.get("last_name")) if p)
        return {"name": name, "company": shipping.get("company"), "street1": shipping.get("address_1"),
                "street2": shipping.get("address_2"), "city": shipping.get("city"), "state": shipping.get("state"),
                "zip": shipping.get("postcode"), "country": shipping.get("country"), "phone": shipping.get("phone")}

    def do_return_label(self, payload: act.ReturnLabel, key: str) -> dict:
        """A prepaid EasyPost label, bought once, sent to the customer as an order note with the link."""
        label = self.bought_label(lambda: self._customer_address(payload.order_id), key)
        text = (f"Your prepaid return label: {label['label_url']} . Print it, attach it to the parcel and drop it "
                f"off with {label.get('carrier') or 'the carrier'}; tracking {label['tracking_code']}.")
        return {**label, **self._note(act.CustomerNote(payload.order_id, text), key, customer=True)}
