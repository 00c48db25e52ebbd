"""A Shopify Admin GraphQL emulator: validates every document against the real schema, keeps state.

Speaks the wire protocol at /admin/api/<version>/graphql.json: access-token check, validation errors
as {"errors": [...]}, cost-based throttling (extensions.cost.throttleStatus, THROTTLED), @idempotent
keys, and injected faults: "500", "timeout", "throttled", "lost" (done, then the answer is lost).
"""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import graphql
from flask import Flask, jsonify, request

from tests.emulators.shopify_oauth import ShopifyOAuth
from tests.emulators.shopify_state import GraphQLError, ShopState
from tests.shopify_schema import API, admin_schema


class ShopifyEmulator:
    def __init__(self, token: str = "shpat_test", bucket: int = 1000, restore_rate: float = 50.0):
        self.token, self.bucket, self.restore_rate = token, bucket, restore_rate
        self.available, self.refilled_at = float(bucket), time.monotonic()
        self.state = ShopState()
        self.calls: list[tuple[str, dict]] = []     # (operation name, variables) that reached the shop
        self.timeline: list[tuple[float, str, dict]] = []   # the same, with the monotonic time it arrived
        self.faults: list[str] = []
        self.throttled = 0
        self.lock = threading.Lock()
        self.app = Flask("shopify-emulator")
        self.app.add_url_rule(f"/admin/api/{API}/graphql.json", "graphql", self.handle, methods=["POST"])
        self.oauth = ShopifyOAuth(self)

    def _charge(self, cost: int) -> dict | None:
        now = time.monotonic()
        self.available = min(self.bucket, self.available + (now - self.refilled_at) * self.restore_rate)
        self.refilled_at = now
        status = {"maximumAvailable": self.bucket, "currentlyAvailable": int(self.available),
                  "restoreRate": self.restore_rate}
        if self.available < cost:
            self.throttled += 1
            return {"requestedQueryCost": cost, "actualQueryCost": None, "throttleStatus": status}
        self.available -= cost
        status["currentlyAvailable"] = int(self.available)
        return {"requestedQueryCost": cost, "actualQueryCost": cost, "throttleStatus": status} | {"ok": True}

    def handle(self):
        """One GraphQL request."""
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            return jsonify(errors="[API] Invalid API key or access token (unrecognized login or wrong password)"), 401
        fault = self.faults.pop(0) if self.faults else None
        if fault == "500":
            return jsonify(errors="Internal Server Error"), 500
        if fault == "timeout":
            time.sleep(15)
        body = request.get_json()
        document, variables = graphql.parse(body["query"]), body.get("variables") or {}
        operation = graphql.get_operation_ast(document)
        # Charged as the request arrives, as Shopify's bucket is: validating against the whole schema is
        # slow here, and charging after it would bunch a paced client's calls together.
        with self.lock:
            cost = self._charge(10 if operation and operation.operation.value == "mutation" else 2)
        if fault == "throttled" or "ok" not in cost:
            return jsonify(errors=[{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                           extensions={"cost": {k: v for k, v in cost.items() if k != "ok"}})
        errors = graphql.validate(admin_schema(), document)
        if not errors:
            coerced = graphql.execution.values.get_variable_values(admin_schema(), operation.variable_definitions or (),
                                                                   variables)   # `query ShopId { ... }` declares none
            errors = coerced if isinstance(coerced, list) else []
        if errors:
            with self.lock:
                self.available = min(self.bucket, self.available + cost["requestedQueryCost"])  # never ran: free
            return jsonify(errors=[{"message": e.message} for e in errors])
        with self.lock:
            try:
                data = self.state.execute(operation, variables)  # validated above; the JSON values serve
            except GraphQLError as exc:
                return jsonify(errors=[{"message": str(exc), "extensions": {"code": exc.code}}])
            self.calls.append((operation.name.value if operation.name else "", variables))
            self.timeline.append((time.monotonic(), *self.calls[-1]))
        if fault == "lost":
            return jsonify(errors="Internal Server Error"), 502
        cost.pop("ok")
        return jsonify(data=data, extensions={"cost": cost})

    def refunded(self, order_id) -> Decimal:
        """Money refunded on an order so far."""
        return self.state.orders[f"gid://shopify/Order/{order_id}"]["refunded"]
