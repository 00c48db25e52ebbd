"""A WooCommerce REST v3 emulator: OAuth 1.0a (as WC_REST_Authentication checks it) or basic auth, orders, notes,
refunds as core checks and keeps them (tests/emulators/woocommerce_orders.py), coupons, and injected faults: "500",
"429", "timeout", "lost" (the refund, note or coupon is created, then the answer is a 500)."""
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
from tests.emulators.woocommerce_orders import RestError, new_refund, paged, refund_request
from tests.emulators.woocommerce_orders_out import create_order

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
        self.refunds: dict[str, list] = {}     # each order's refunds, oldest first (the REST list is newest first)
        self.restocked: list[tuple[str, str, int]] = []   # (order, line, units) put back on sale by a refund
        self.coupons: list[dict] = []
        self.unreadable: set[str] = set()   # ids of orders and refunds the key's user may not read (left out of lists)
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
            try:
                response = self.route(request.method, path.strip("/").split("/"), body)
            except RestError as error:
                response = jsonify(code=error.code, message=error.message, data=error.data), error.status
        if fault == "lost":
            return jsonify(code="internal_server_error", message="Internal Server Error"), 500
        return response

    def route(self, method: str, parts: list[str], body):
        """Dispatch orders/<id>[/notes|/refunds], products/<id> and coupons."""
        if parts[0] == "coupons":
            return self._coupons(method, body)
        if parts == ["orders"] and method == "POST":
            return jsonify(create_order(self, body or {})), 201
        if parts[0] == "products" and method == "GET" and parts[2:] == ["variations"]:
            # GET products/<id>/variations (woocommerce-rest-api-docs, wp-api-v3/_product-variations.md): the
            # variations whose parent_id is the product, each with its attributes [{id, name, option}] and image;
            # `include` (ids, comma-separated) keeps only those, paged like any collection.
            include = {i for i in request.args.get("include", "").split(",") if i}
            found = [p for p in self.products.values() if str(p.get("parent_id")) == parts[1]
                     and (not include or str(p.get("id")) in include)]
            page, headers = paged(found, request.args)
            return jsonify(page), 200, headers
        if parts[0] == "products" and method == "GET":
            product = self.products.get(parts[1])
            return (jsonify(product), 200) if product else (jsonify(code="woocommerce_rest_product_invalid_id"), 404)
        order = self.orders.get(parts[1]) if parts[0] == "orders" and len(parts) > 1 else None
        if order is None:
            return jsonify(code="woocommerce_rest_shop_order_invalid_id", message="Invalid ID."), 404
        if len(parts) == 2:
            if method == "PUT":
                order.update({k: v for k, v in body.items() if k not in ("meta_data", "shipping", "billing")})
                # WC_REST_Orders_V2_Controller::update_address: only the posted address fields are set.
                order.update({k: {**(order.get(k) or {}), **body[k]} for k in ("shipping", "billing") if k in body})
                _update_meta(order, body.get("meta_data") or [])
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

    def add_refund(self, order_id, amount: str, reason: str) -> None:
        """Seed a refund made elsewhere (in the admin, say): an amount, no lines."""
        self.refunds.setdefault(str(order_id), []).append(
            {"id": next(self.ids), "amount": amount, "reason": reason, "refunded_payment": False, "line_items": [],
             "shipping_lines": [], "api_refund": False, "api_restock": False})

    def _refunds(self, method, order, body):
        """GET a page of the order's refunds (newest first) or POST one, as the v3 refunds controller does."""
        refunds = self.refunds.setdefault(str(order["id"]), [])
        if method == "GET":
            page, headers = paged(refunds[::-1], request.args, self.unreadable)
            return jsonify(page), 200, headers
        asked = refund_request(body or {})
        refund = new_refund(order, refunds, asked, lambda: next(self.ids))
        # wc_create_refund saves the refund, asks wc_refund_payment() when api_refund, and deletes it on a refusal.
        if asked["api_refund"] and (refusal := gateway_refusal(order)):
            return jsonify(code="woocommerce_rest_cannot_create_order_refund", message=refusal, data=500), 500
        # What the call asked, kept beside WooCommerce's own fields so a test can read it from the store.
        refund.update(refunded_payment=asked["api_refund"], api_refund=asked["api_refund"],
                      api_restock=asked["api_restock"])
        refunds.append(refund)
        if asked["api_restock"]:
            self._restock(order, asked["line_items"])
        return jsonify(refund), 201

    def _restock(self, order: dict, lines: dict) -> None:
        """Put each product line refunded with a quantity back on sale, as wc_restock_refunded_items does."""
        # Core skips products that do not manage stock; the emulator's products all do.
        for item in order.get("line_items") or []:
            qty = int((lines.get(str(item["id"])) or {}).get("qty") or 0)
            if qty:
                self.restocked.append((str(order["id"]), str(item["id"]), qty))

    def _coupons(self, method, body):
        """GET coupons (?code= finds one) or POST one, as the coupons controller does."""
        # class-wc-rest-coupons-v2-controller.php: ?code= is wc_get_coupon_id_by_code; a new code must not exist yet
        # (woocommerce_rest_coupon_code_already_exists). Codes are kept lowercase (wc_strtolower on the
        # woocommerce_coupon_code filter, includes/wc-default-filters.php).
        if method == "GET":
            code = (request.args.get("code") or "").strip().lower()
            page, headers = paged([c for c in self.coupons if not code or c["code"] == code], request.args)
            return jsonify(page), 200, headers
        code = str((body or {}).get("code") or "").strip().lower()
        if not code:
            raise RestError(400, "woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
        if any(c["code"] == code for c in self.coupons):
            raise RestError(400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        coupon = {"id": next(self.ids), "code": code, "amount": f"{Decimal(str(body.get('amount') or 0)):.2f}",
                  "status": "publish", "discount_type": body.get("discount_type") or "fixed_cart",
                  "description": body.get("description") or "", "usage_count": 0,
                  "individual_use": bool(body.get("individual_use")), "usage_limit": body.get("usage_limit") or None,
                  "email_restrictions": [e.lower() for e in body.get("email_restrictions") or []]}
        self.coupons.append(coupon)
        return jsonify(coupon), 201


def _update_meta(order: dict, posted: list[dict]) -> None:
    """The order's meta after a PUT: the REST controller calls WC_Data::update_meta_data(key, value, id) for each
    posted entry, which changes the entry with that id, else the first with that key, else adds one
    (woocommerce/includes/abstracts/abstract-wc-data.php)."""
    meta = order.setdefault("meta_data", [])
    for entry in posted:
        found = next((m for m in meta if ("id" in entry and m.get("id") == entry["id"])
                      or ("id" not in entry and m.get("key") == entry.get("key"))), None)
        if found is not None:
            found["value"] = entry.get("value")
        else:
            meta.append(dict(entry))
