"""The WooCommerce emulator's key flow and webhooks: /wc-auth/v1/authorize (as class-wc-auth.php runs it,
auto-approved as if the store admin clicked Approve), /wp-json/wc/v3/webhooks (as the v3 webhooks
controller: the secret is write-only) and GET /orders (the list, for the keys check), plus signed
deliveries from those webhooks (as WC_Webhook::deliver signs them)."""
from __future__ import annotations

import itertools
import json
import secrets
import threading
from urllib.parse import urlencode

import requests
from flask import jsonify, redirect, request

from adapters.woocommerce.verify import sign
from tests.emulators.woocommerce_orders import list_orders_page, paged

PREFIX = "/wp-json/wc/v3"
REQUIRED = ("app_name", "scope", "user_id", "return_url", "callback_url")
SCOPES = ("read", "write", "read_write")


class WooAuth:
    """Key approval and webhooks for one emulated store (`emulator.auth`)."""

    def __init__(self, emulator):
        self.emulator = emulator
        self.permissions = "read_write"
        self.approve = True                 # False: the admin clicks Deny
        self.require_https_callback = True  # as WooCommerce; tests on plain-http localhost turn it off
        self.webhooks: dict[int, dict] = {}
        self.callbacks: list[dict] = []
        self.ids = itertools.count(101)
        self.lock = threading.Lock()
        app = emulator.app
        app.add_url_rule("/wc-auth/v1/authorize", "wc_auth", self.authorize)
        app.add_url_rule(f"{PREFIX}/orders", "orders_list", self.list_orders)
        app.add_url_rule(f"{PREFIX}/webhooks", "webhooks", self.webhooks_collection, methods=["GET", "POST"])
        app.add_url_rule(f"{PREFIX}/webhooks/<int:hook_id>", "webhook", self.webhook_item,
                         methods=["GET", "PUT", "DELETE"])

    def authorize(self):
        """Create keys, POST them to callback_url, then send the browser to return_url."""
        args = request.args
        missing = [name for name in REQUIRED if not args.get(name)]
        if missing or args["scope"] not in SCOPES:
            return f"Error: {missing[0] if missing else 'scope'} is invalid", 400
        if self.require_https_callback and not args["callback_url"].startswith("https://"):
            return "Error: The callback_url needs to be over SSL", 400
        back = f"{args['return_url']}{'&' if '?' in args['return_url'] else '?'}"
        if not self.approve:
            return redirect(back + urlencode({"success": 0, "user_id": args["user_id"]}))
        keys = {"key_id": next(self.ids), "user_id": args["user_id"], "consumer_key": "ck_" + secrets.token_hex(20),
                "consumer_secret": "cs_" + secrets.token_hex(20), "key_permissions": args["scope"]}
        previous = (self.emulator.key, self.emulator.secret, self.permissions)
        self.emulator.key, self.emulator.secret, self.permissions = keys["consumer_key"], keys["consumer_secret"], keys["key_permissions"]
        answer = requests.post(args["callback_url"], data=json.dumps(keys), timeout=60,
                               headers={"Content-Type": "application/json;charset=UTF-8"})
        self.callbacks.append({"keys": keys, "status": answer.status_code})
        if answer.status_code != 200:
            self.emulator.key, self.emulator.secret, self.permissions = previous   # maybe_delete_key
            return "Error: An error occurred in the request and at the time were unable to send the consumer data", 401
        return redirect(back + urlencode({"success": 1, "user_id": args["user_id"]}))

    def _refused(self, write: bool):
        if not self.emulator._authorized():
            return jsonify(code="woocommerce_rest_authentication_error", message="Invalid signature"), 401
        if write and "write" not in self.permissions:
            return jsonify(code="woocommerce_rest_authentication_error",
                           message="The API key provided does not have write permissions."), 401
        return None

    def list_orders(self):
        """GET /orders: the list (tests/emulators/woocommerce_orders.py), the newest first by default."""
        refused = self._refused(write=False)
        if refused:
            return refused
        page, headers = list_orders_page(self.emulator.orders.values(), request.args, self.emulator.unreadable)
        return jsonify(page), 200, headers

    def _public(self, hook: dict) -> dict:
        return {k: v for k, v in hook.items() if k != "secret"}

    def webhooks_collection(self):
        """GET (paged) or POST a webhook."""
        refused = self._refused(write=request.method == "POST")
        if refused:
            return refused
        if request.method == "GET":
            # WC_REST_Webhooks_Controller::get_items sends X-WP-Total and X-WP-TotalPages as every collection does.
            hooks = [self._public(h) for h in sorted(self.webhooks.values(), key=lambda h: h["id"])]
            page, headers = paged(hooks, request.args)
            return jsonify(page), 200, headers
        body = request.get_json()
        with self.lock:
            hook = {"id": next(self.ids), "name": body.get("name", ""), "status": body.get("status", "active"),
                    "topic": body["topic"], "delivery_url": body["delivery_url"],
                    "secret": body.get("secret") or secrets.token_urlsafe(37)}
            self.webhooks[hook["id"]] = hook
        return jsonify(self._public(hook)), 201

    def webhook_item(self, hook_id: int):
        """GET, PUT (update, a new secret included) or DELETE (?force=true) one webhook."""
        refused = self._refused(write=request.method != "GET")
        if refused:
            return refused
        hook = self.webhooks.get(hook_id)
        if hook is None:
            return jsonify(code="woocommerce_rest_webhook_invalid_id", message="Invalid ID."), 404
        if request.method == "DELETE":
            if request.args.get("force") != "true":
                return jsonify(code="woocommerce_rest_trash_not_supported"), 501
            del self.webhooks[hook_id]
        elif request.method == "PUT":
            hook.update({k: v for k, v in request.get_json().items() if k in ("name", "status", "topic",
                                                                             "delivery_url", "secret")})
        return jsonify(self._public(hook)), 200

    def deliver(self, topic: str, payload: dict, source: str) -> list[requests.Response]:
        """POST `payload` from every active webhook on `topic`, signed with that webhook's secret."""
        body = json.dumps(payload).encode()
        answers = []
        for hook in [h for h in self.webhooks.values() if h["topic"] == topic and h["status"] == "active"]:
            resource, event = topic.split(".")
            headers = {"Content-Type": "application/json", "X-WC-Webhook-Source": source + "/",
                       "X-WC-Webhook-Topic": topic, "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
                       "X-WC-Webhook-Signature": sign(body, hook["secret"]), "X-WC-Webhook-ID": str(hook["id"]),
                       "X-WC-Webhook-Delivery-ID": secrets.token_hex(16)}
            answers.append(requests.post(hook["delivery_url"], data=body, headers=headers, timeout=10,
                                         allow_redirects=False))
        return answers
