"""A WooCommerce REST v3 emulator: OAuth 1.0a (as WC_REST_Authentication checks it) or basic auth,
orders, notes and refunds bounded by what remains, and injected faults: "500", "429", "timeout",
"lost" (the refund or note is created, then the answer is a 500)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import threading
import time
from decimal import Decimal
from urllib.parse import quote

from flask import Flask, jsonify, request

from tests.emulators.woocommerce_auth import WooAuth

PREFIX = "/wp-json/wc/v3"


def _encode(value: str) -> str:
    return quote(str(value), safe="").replace("%", "%25")


def oauth_signature(method: str, url: str, params: dict, secret: str) -> str:
    """The signature WooCommerce expects for these query parameters (HMAC-SHA256, secret + '&')."""
    pairs = sorted((_encode(k), _encode(v)) for k, v in params.items() if k != "oauth_signature")
    base = f"{method}&{quote(url, safe='')}&{'%26'.join(f'{k}%3D{v}' for k, v in pairs)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), hashlib.sha256).digest()).decode()


# The store's payment gateways, and those that can send money back themselves (a gateway declares 'refunds' in
# its `supports`). WooCommerce core's offline gateways, bacs (bank transfer), cheque and cod (cash on delivery),
# never do (woocommerce/includes/gateways/{bacs,cheque,cod}/: `supports` is only 'products').
GATEWAYS = {"bacs", "cheque", "cod", "stripe", "ppcp-gateway"}
REFUNDING_GATEWAYS = {"stripe", "ppcp-gateway"}


def gateway_refusal(order: dict) -> str | None:
    """Why an automatic refund of this order fails, as wc_refund_payment() says it (None when it would not).

    POST orders/<id>/refunds defaults api_refund to true; wc_create_refund() then calls wc_refund_payment(), which
    throws when the order's gateway is not installed or does not support refunds; wc_create_refund() deletes the
    refund it made and the REST controller answers 500 woocommerce_rest_cannot_create_order_refund with the
    message (woocommerce/includes/wc-order-functions.php; includes/rest-api/Controllers/Version2/
    class-wc-rest-order-refunds-v2-controller.php)."""
    gateway = order.get("payment_method") or ""
    if gateway not in GATEWAYS:
        return "The payment gateway for this order does not exist."
    if gateway not in REFUNDING_GATEWAYS:
        return "The payment gateway for this order does not support automatic refunds."
    return None


class WooCommerceEmulator:
    def __init__(self, key: str = "ck_test", secret: str = "cs_test"):
        self.key, self.secret = key, secret
        self.orders: dict[str, dict] = {}
        self.products: dict[str, dict] = {}
        self.notes: dict[str, list] = {}
        self.refunds: dict[str, list] = {}
        self.calls: list[tuple[str, str, dict | None]] = []
        self.faults: list[str] = []
        self.latency = 0.0   # seconds each call takes before it reaches the store (widens race windows)
        self.ids = itertools.count(500)
        self.lock = threading.Lock()
        self.app = Flask("woocommerce-emulator")
        self.app.add_url_rule(f"{PREFIX}/<path:path>", "rest", self.handle, methods=["GET", "POST", "PUT"])
        self.auth = WooAuth(self)   # /wc-auth/v1/authorize, webhooks, the orders list

    def add_order(self, payload: dict) -> None:
        """Seed an order from its REST representation (a webhook fixture)."""
        self.orders[str(payload["id"])] = dict(payload)

    def _authorized(self) -> bool:
        if request.authorization and request.authorization.type == "basic":
            return (request.authorization.username, request.authorization.password) == (self.key, self.secret)
        params = request.args.to_dict()
        if params.get("oauth_consumer_key") != self.key or params.get("oauth_signature_method") != "HMAC-SHA256":
            return False
        expected = oauth_signature(request.method, request.base_url, params, self.secret)
        return hmac.compare_digest(expected, params.get("oauth_signature", ""))

    def handle(self, path: str):
        """One REST call."""
        if not self._authorized():
            return jsonify(code="woocommerce_rest_authentication_error", message="Invalid signature"), 401
        fault = self.faults.pop(0) if self.faults else None
        if fault == "500":
            return jsonify(code="internal_server_error", message="Internal Server Error"), 500
        if fault == "429":
            return jsonify(code="too_many_requests", message="Too many requests"), 429, {"Retry-After": "7"}
        if fault == "timeout":
            time.sleep(15)
        body = request.get_json(silent=True) if request.method != "GET" else None
        time.sleep(self.latency)
        with self.lock:
            self.calls.append((request.method, path, body))
            response = self.route(request.method, path.strip("/").split("/"), body)
        if fault == "lost":
            return jsonify(code="internal_server_error", message="Internal Server Error"), 500
        return response

    def route(self, method: str, parts: list[str], body):
        """Dispatch orders/<id>[/notes|/refunds] and products/<id>."""
        if parts[0] == "products" and method == "GET":
            product = self.products.get(parts[1])
            return (jsonify(product), 200) if product else (jsonify(code="woocommerce_rest_product_invalid_id"), 404)
        order = self.orders.get(parts[1]) if parts[0] == "orders" and len(parts) > 1 else None
        if order is None:
            return jsonify(code="woocommerce_rest_shop_order_invalid_id", message="Invalid ID."), 404
        if len(parts) == 2:
            if method == "PUT":
                order.update({k: v for k, v in body.items() if k != "meta_data"})
                order.setdefault("meta_data", []).extend(body.get("meta_data") or [])
            return jsonify(order), 200
        if parts[2] == "notes":
            return self._notes(method, order, body)
        if parts[2] == "refunds":
            return self._refunds(method, order, body)
        return jsonify(code="rest_no_route"), 404

    def _notes(self, method, order, body):
        notes = self.notes.setdefault(str(order["id"]), [])
        if method == "GET":
            return jsonify(notes), 200
        note = {"id": next(self.ids), "note": body["note"], "customer_note": bool(body.get("customer_note"))}
        notes.append(note)
        return jsonify(note), 201

    def remaining(self, order_id) -> Decimal:
        """What can still be refunded on the order."""
        order = self.orders[str(order_id)]
        return Decimal(order["total"]) - sum((Decimal(r["amount"]) for r in self.refunds.get(str(order_id), [])), Decimal(0))

    def _refunds(self, method, order, body):
        refunds = self.refunds.setdefault(str(order["id"]), [])
        if method == "GET":
            return jsonify(refunds), 200
        amount = Decimal(str(body.get("amount", "0")))
        if amount <= 0 or amount > self.remaining(order["id"]):
            return jsonify(code="woocommerce_rest_cannot_create_order_refund", message="Invalid refund amount."), 500
        if body.get("api_refund", True) is not False and (refusal := gateway_refusal(order)):
            return jsonify(code="woocommerce_rest_cannot_create_order_refund", message=refusal, data={"status": 500}), 500
        refund = {"id": next(self.ids), "amount": str(amount), "reason": body.get("reason", ""),
                  "api_refund": body.get("api_refund")}
        refunds.append(refund)
        return jsonify(refund), 201
