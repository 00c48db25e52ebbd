"""WooCommerce effects of a decision, through REST v3. WooCommerce has no idempotency key, so each
effect carries our marker and is looked for before it is made."""
from __future__ import annotations

from adapters.base import ActionGateway
from adapters.http import PlatformError
from adapters.woocommerce.client import WooCommerceClient
from integration.domain import actions as act


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
        order's lock keeps another refund from looking and creating at the same time."""
        order, marker = payload.order_id, f"[{key}]"
        with self.locks.hold(order):
            for refund in self.client.get(f"orders/{order}/refunds") or []:
                if marker in (refund.get("reason") or ""):
                    return {"refund": refund.get("id"), "skipped": "already refunded"}
            body = {"amount": payload.amount, "reason": f"returnkit refund {marker}", "api_refund": True,
                    "line_items": [{"id": int(line), "quantity": qty} for line, qty in payload.lines]}
            refund = self.client.post(f"orders/{order}/refunds", body)
        return {"refund": refund.get("id")}

    def do_cancel_order(self, payload: act.CancelOrder, key: str) -> dict:
        """Status cancelled, then the refund."""
        self.client.put(f"orders/{payload.order_id}", {"status": "cancelled"})
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
