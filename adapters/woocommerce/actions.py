"""WooCommerce effects of a decision, through REST v3. WooCommerce has no idempotency key, so each
effect carries our marker and is looked for before it is made."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from adapters.base import ActionGateway
from adapters.http import PlatformError
from adapters.woocommerce import exchanges, orders_out
from adapters.woocommerce.client import WooCommerceClient
from adapters.woocommerce.order_edits import OrderEditActions
from integration.domain import actions as act
from integration.money import ZERO, to_minor


# WooCommerce's answer when the order's gateway cannot refund (wc_refund_payment() threw): the refund was not kept.
NO_GATEWAY_REFUND = "woocommerce_rest_cannot_create_order_refund"
# WooCommerce core's offline gateways never refund (their `supports` is only 'products'); "" is an order
# made in the admin with no payment method (wc_refund_payment: "the payment gateway ... does not exist").
OFFLINE_GATEWAYS = {"", "bacs", "cheque", "cod"}
NO_REFUND_MESSAGES = ("does not exist", "does not support automatic refunds")
BY_HAND = "by hand"
MAX_PAGES = 100   # a store that ignores `page` is not read for ever


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _part(value, part, whole, currency: str) -> str:
    """`part` of `whole` of an amount, to the currency's minor unit half up."""
    return str(to_minor(_dec(value) * part / whole, currency))


def _taxes(item: dict, part, whole, currency: str) -> list[dict]:
    """Each tax rate's part of an order item's tax, for the refund's refund_tax."""
    return [{"id": t["id"], "refund_total": _part(t.get("total"), part, whole, currency)}
            for t in item.get("taxes") or [] if t.get("total") not in (None, "")]


def _line(item: dict, qty: int, currency: str) -> dict:
    """A refunded line: `qty` of its units' pre-tax total and tax, from the order's line `total` and `taxes`."""
    whole = int(item["quantity"])
    return {"id": int(item["id"]), "quantity": qty, "refund_total": _part(item.get("total"), qty, whole, currency),
            "refund_tax": _taxes(item, qty, whole, currency)}


def _shipping(order: dict, shipping: Decimal, currency: str) -> list[dict]:
    """The shipping lines refunded, each in full until `shipping` (pre-tax) is covered, with their tax's part."""
    items, left = [], shipping
    for item in order.get("shipping_lines") or []:
        total = _dec(item.get("total"))
        take = min(total, left)
        if take > 0:
            items.append({"id": int(item["id"]), "refund_total": str(to_minor(take, currency)),
                          "refund_tax": _taxes(item, take, total, currency)})
            left -= take
    return items


def refund_items(order: dict, payload: act.Refund, currency: str) -> list[dict]:
    """The refund's line items: each refunded line, then the shipping line(s) when shipping is refunded."""
    lines = {str(item["id"]): item for item in order.get("line_items") or []}
    missing = [str(line) for line, _ in payload.lines if str(line) not in lines]
    if missing:
        raise PlatformError(f"woocommerce: line {missing[0]} is not on order {payload.order_id}", retryable=False)
    return ([_line(lines[str(line)], int(qty), currency) for line, qty in payload.lines]
            + _shipping(order, _dec(payload.shipping), currency))


def remaining(order: dict, refunds: list[dict]) -> Decimal:
    """What the order has left to refund: its total less every refund (WC_Order::get_remaining_refund_amount)."""
    return max(_dec(order.get("total")) - sum((_dec(r.get("amount")) for r in refunds), ZERO), ZERO)


def refund_body(payload: act.Refund, order: dict, refunds: list[dict], marker: str) -> dict:
    """The refund: its lines' money and their tax less the deductions, never negative, never more than is left."""
    currency = order.get("currency") or payload.currency
    items = refund_items(order, payload, currency)
    paid = sum((_dec(i["refund_total"]) + sum((_dec(t["refund_total"]) for t in i["refund_tax"]), ZERO)
                for i in items), ZERO)
    amount = to_minor(min(max(paid - _dec(payload.deductions), ZERO), remaining(order, refunds)), currency)
    # api_restock puts back every refunded line (left out, it means true): only when the decision restocks them all.
    refunded, restocked = {str(line) for line, _ in payload.lines}, {str(line) for line in payload.restock}
    restock = bool(refunded) and refunded <= restocked
    return {"amount": str(amount), "reason": f"returnkit refund {marker}", "api_refund": amount > 0,
            "api_restock": restock, "line_items": items}


def cancel_body(payload: act.CancelOrder, order: dict, refunds: list[dict], marker: str) -> dict:
    """A cancelled order's refund: what it cost, never more than is left, with no lines."""
    # No restock: WooCommerce puts a cancelled order's stock back itself (wc_maybe_increase_stock_levels).
    currency = order.get("currency") or payload.currency
    amount = to_minor(min(_dec(payload.amount), remaining(order, refunds)), currency)
    return {"amount": str(amount), "reason": f"returnkit refund {marker}", "api_refund": amount > 0,
            "api_restock": False, "line_items": []}


class WooCommerceActions(OrderEditActions, ActionGateway):
    """perform(kind, payload, key) for one store."""

    platform = "woocommerce"
    # WooCommerce has no returns of its own: a request reaches returnkit through its page or API, and the
    # planner never asks for these (a platform return id only comes from a platform that has returns).
    unsupported = {
        "approve_return": "WooCommerce has no returns to approve: the customer is told by an order note",
        "create_return": "WooCommerce has no returns to open: the request is tracked in returnkit",
        "decline_return": "WooCommerce has no returns to decline: the customer is told by an order note",
        "close_return": "WooCommerce has no returns to close: a kept item's request is tracked in returnkit",
    }

    def __init__(self, client: WooCommerceClient, labels=None):
        self.client, self.labels = client, labels

    def _note(self, order_id: str, text: str, marker: str, customer: bool) -> dict:
        """A note on the order carrying `marker`, unless a note with it is there already."""
        notes = self.client.get(f"orders/{order_id}/notes") or []
        if any(marker in (n.get("note") or "") for n in notes):
            return {"skipped": "already noted"}
        note = self.client.post(f"orders/{order_id}/notes", {"note": f"{text} {marker}", "customer_note": customer})
        return {"note": note.get("id")}

    def do_order_note(self, payload: act.OrderNote, key: str) -> dict:
        """A private order note."""
        return self._note(payload.order_id, payload.text, f"[{key}]", customer=False)

    def do_customer_note(self, payload: act.CustomerNote, key: str) -> dict:
        """A note the customer sees (and is emailed)."""
        return self._note(payload.order_id, payload.text, f"[{key}]", customer=True)

    def do_tag_order(self, payload: act.TagOrder, key: str) -> dict:
        """WooCommerce orders have no tags: a meta flag the merchant can filter on (emptied to take it off)."""
        value = "" if payload.remove else payload.tag
        self.client.put(f"orders/{payload.order_id}", {"meta_data": [{"key": "_returnkit_tag", "value": value}]})
        return {"untagged" if payload.remove else "tagged": payload.tag}

    def _refunds(self, order_id: str) -> list[dict]:
        """Every refund on the order, to the last page X-WP-TotalPages names."""
        return self.client.get_all(f"orders/{order_id}/refunds", max_pages=MAX_PAGES)

    def do_refund(self, payload: act.Refund, key: str) -> dict:
        """The decision's refund with its lines' money, made once; store credit is a coupon instead."""
        if payload.method == "store_credit":
            return self._store_credit(payload, key)
        return self._refund(payload.order_id, payload.currency, key,
                            lambda order, refunds, marker: refund_body(payload, order, refunds, marker))

    def _refund(self, order_id: str, currency: str, key: str, body_for) -> dict:
        """The refund `body_for(order, refunds, marker)` describes, unless a refund with our marker exists."""
        marker = f"[{key}]"
        # The order's lock keeps another refund from looking and creating at the same time.
        with self.locks.hold(order_id):
            refunds = self._refunds(order_id)
            found = next((r for r in refunds if marker in (r.get("reason") or "")), None)
            refund = found or self._create_refund(order_id, body_for, refunds, marker)
        made = {"refund": refund.get("id"), "amount": refund.get("amount")}
        if BY_HAND in (refund.get("reason") or ""):
            return {**made, "refund_by_hand": True, **self._by_hand_notes(order_id, refund, currency, key)}
        return {**made, **({"skipped": "already refunded"} if found else {})}

    def _create_refund(self, order_id: str, body_for, refunds: list[dict], marker: str) -> dict:
        """POST the refund; a gateway that cannot send money back gets it recorded, to be paid by hand."""
        order = self.client.get(f"orders/{order_id}") or {}
        body = body_for(order, refunds, marker)
        by_hand = {**body, "api_refund": False, "reason": f"returnkit refund {BY_HAND} {marker}"}
        if not body["api_refund"]:   # nothing to pay: no gateway to ask, nothing to pay by hand
            return self.client.post(f"orders/{order_id}/refunds", body)
        if (order.get("payment_method") or "") in OFFLINE_GATEWAYS:
            return self.client.post(f"orders/{order_id}/refunds", by_hand)
        try:
            return self.client.post(f"orders/{order_id}/refunds", body)
        except PlatformError as exc:
            # Another gateway without refunds: WooCommerce deleted the refund it made, so nothing was kept.
            # Only the refusals wc_refund_payment() makes before any money moves; a gateway that failed mid-refund
            # ("An error occurred ... payment gateway API") is retried, never turned into a refund by hand.
            if exc.code != NO_GATEWAY_REFUND or not any(m in (exc.detail or "") for m in NO_REFUND_MESSAGES):
                raise
        return self.client.post(f"orders/{order_id}/refunds", by_hand)

    def _by_hand_notes(self, order_id: str, refund: dict, currency: str, key: str) -> dict:
        """The merchant is told to pay the recorded refund by hand, and the customer that it comes that way."""
        amount = f"{refund.get('amount')} {currency}"
        staff = (f"returnkit: refund {amount} to the customer by hand. The order's payment method cannot send money "
                 "back, so WooCommerce recorded the refund without paying it.")
        customer = (f"Your refund of {amount} is on its way: your payment method cannot send money back "
                    "automatically, so the shop sends it to you by hand.")
        told = self._note(order_id, customer, f"[{key} customer]", customer=True)
        return {**self._note(order_id, staff, f"[{key}]", customer=False), "customer_note": told.get("note")}

    def _store_credit(self, payload: act.Refund, key: str) -> dict:
        """A single-use fixed-cart coupon for the order's billing email, made once, and a note with its code."""
        # WooCommerce has no store credit of its own and no idempotency key: the code, made from ours, is looked up.
        code = "rk-" + hashlib.sha256(key.encode()).hexdigest()[:12]
        with self.locks.hold(payload.order_id):
            order = self.client.get(f"orders/{payload.order_id}") or {}
            email = ((order.get("billing") or {}).get("email") or "").strip()
            if not email:
                raise PlatformError("woocommerce: the order has no billing email to give store credit to",
                                    retryable=False)
            found = self.client.get("coupons", {"code": code}) or []
            coupon = found[0] if found else self.client.post("coupons", self._coupon(payload, order, code, email))
        bonus = f", a bonus of {payload.bonus} included" if _dec(payload.bonus) else ""
        text = (f"Your store credit: coupon code {code}, worth {coupon.get('amount')} {payload.currency}{bonus}, for "
                f"one order placed with {email}.")
        return {"store_credit": code, "coupon": coupon.get("id"),
                **self._note(payload.order_id, text, f"[{key}]", customer=True)}

    def _coupon(self, payload: act.Refund, order: dict, code: str, email: str) -> dict:
        """The coupon: worth what the refund would pay plus the policy's bonus, for the customer's email, once."""
        amount = _dec(refund_body(payload, order, self._refunds(payload.order_id), "")["amount"]) + _dec(payload.bonus)
        return {"code": code, "amount": str(amount), "discount_type": "fixed_cart", "email_restrictions": [email],
                "usage_limit": 1, "description": f"returnkit store credit, order {payload.order_id}"}

    def do_cancel_order(self, payload: act.CancelOrder, key: str) -> dict:
        """Status cancelled, then the refund; an offline gateway's order (often not paid yet when it is cancelled)
        gets no refund recorded, only a note to refund by hand what the customer did pay."""
        gateway = (self.client.get(f"orders/{payload.order_id}") or {}).get("payment_method") or ""
        self.client.put(f"orders/{payload.order_id}", {"status": "cancelled"})
        if gateway in OFFLINE_GATEWAYS:
            text = (f"returnkit: order cancelled. Its payment method cannot send money back: if the customer has paid, "
                    f"refund up to {payload.amount} {payload.currency} by hand.")
            note = self._note(payload.order_id, text, f"[{key}]", customer=False)
            return {"cancelled": payload.order_id, "refund_by_hand": "if paid", **note}
        refund = self._refund(payload.order_id, payload.currency, key,
                              lambda order, refunds, marker: cancel_body(payload, order, refunds, marker))
        return {"cancelled": payload.order_id, **refund}

    def do_create_replacement(self, payload: act.CreateReplacement, key: str) -> dict:
        """A new order for the same items at no cost (set_paid), child of the original with our marker in its meta,
        made once (adapters/woocommerce/orders_out.py); the original gets a private note naming it."""
        with self.locks.hold(payload.order_id):
            made, found = orders_out.create_replacement(self.client, payload)
        text = f"returnkit: replacement order #{made.get('number') or made.get('id')} created at no charge."
        note = self._note(payload.order_id, text, f"[{key}]", customer=False)
        return {"replacement_order": made.get("id"), **note, **({"skipped": "already created"} if found else {})}

    def variant_in_stock(self, variant_id: str, units: int) -> bool:
        """Whether the store can sell `units` of the product or variation now (exchanges.in_stock)."""
        return exchanges.in_stock(exchanges.wanted_products(self.client, [[None, variant_id, units]])[variant_id],
                                  units)

    def variants_in_stock(self, wants: list[tuple[str | None, str, int]]) -> dict[str, bool]:
        """Many variations' stock at once, by variation id (the exchange picker; each want is product, variation,
        units): one question per product."""
        return exchanges.variations_in_stock(self.client, wants)

    def do_create_exchange(self, payload: act.CreateExchange, key: str) -> dict:
        """A new order for the wanted variants at the difference, child of the original, made once
        (adapters/woocommerce/exchanges.py); what it costs less is refunded on the original. Out of stock, or dearer
        than the policy lets the customer pay, it is not made: the order is tagged for review with a staff note."""
        with self.locks.hold(payload.order_id):
            found, original, lines, short = exchanges.plan_exchange(self.client, payload)
            if found is None and (why := exchanges.refusal(payload, lines, short)):
                self.do_tag_order(act.TagOrder(payload.order_id, payload.review_tag), key)
                return {"exchange_order": None, "out_of_stock": short, **self._note(payload.order_id, why, f"[{key}]",
                                                                                    customer=False)}
            made = found or self.client.post("orders", exchanges.exchange_body(original, payload, lines))
        back = sum((line["back"] for line in lines), ZERO)
        # Marked by the exchange, not the action: an instant exchange's order is looked at again at inspection.
        refund = self._refund(payload.order_id, payload.currency, f"{payload.marker}-difference",
                              lambda _o, _r, marker: exchanges.difference_body(back, marker)) if back else {}
        self._exchange_notes(payload, made, payload.marker)
        return {"exchange_order": made.get("id"), "status": made.get("status"), "difference_refunded": str(back),
                "difference_refund": refund.get("refund"), **({"skipped": "already created"} if found else {})}

    def _exchange_notes(self, payload: act.CreateExchange, made: dict, key: str) -> None:
        """A private note on both orders naming the other; the customer is asked for a difference left to pay."""
        number = made.get("number") or made.get("id")
        self._note(payload.order_id, f"returnkit: exchange order #{number} created ({made.get('status')}).",
                   f"[{key}]", customer=False)
        self._note(str(made["id"]), f"returnkit: exchange for order #{payload.order_id}.", f"[{key}]", customer=False)
        if made.get("status") == "pending":
            self._note(str(made["id"]), f"Your exchange order #{number} is waiting for the difference of "
                       f"{made.get('total')} {payload.currency}: pay it from your account to have it sent.",
                       f"[{key} customer]", customer=True)

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
        return {**label, **self._note(payload.order_id, text, f"[{key}]", customer=True)}
