"""Notification test helpers: a webhook receiver on localhost, endpoints, orders with requests."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.notify_models import WebhookEndpoint
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.notify.endpoints import new_secret

MAX_ATTEMPTS = 3   # RETURNKIT_MESSAGE_MAX_ATTEMPTS of the notification tests' runtime


class Receiver:
    """A merchant's tool on localhost: records every POST; answers `status` (after `delay` seconds)."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status, self.delay = 200, 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verified(self, secret: str) -> list[dict]:
        """Every body received, each checked with the Standard Webhooks package (raises on a bad signature)."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def add_endpoint_row(rt, shop_id: int, url: str, events: list[str]) -> tuple[int, str]:
    """An endpoint of the shop (id, secret), as the settings page would save it."""
    secret = new_secret()
    with transaction(rt.sessions) as session:
        endpoint = WebhookEndpoint(shop_id=shop_id, url=url, events=events, secret=secret, active=True)
        session.add(endpoint)
    return endpoint.id, secret


def add_case(rt, shop_id: int, email: str | None = "jane.buyer@example.com", ref: str = "k") -> int:
    """An order (with the buyer's email, or none) and a request on it; the request's id."""
    with transaction(rt.sessions) as session:
        order = Order(shop_id=shop_id, order_id=f"o-{ref}", number=f"10{len(ref)}", currency="USD",
                      placed_at=utcnow(), platform_updated_at=utcnow(), tags=[], lines=[], customer_email=email)
        session.add(order)
        session.flush()
        case = ReturnCase(shop_id=shop_id, order_pk=order.id, source="api", source_ref=ref, request={})
        session.add(case)
    return case.id


def payloads(receiver: Receiver, secret: str) -> list[dict]:
    """The verified payloads, as JSON round-tripped (what a receiver's code reads)."""
    return [json.loads(json.dumps(p)) for p in receiver.verified(secret)]
