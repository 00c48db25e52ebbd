"""The chaos replay's refund half (`python -m bench.chaos N kinectr claims`): each order is also marked
delivered by a `fulfillments/update` webhook, then gets a transit-damage claim with photos through the request
API, which kinectr approves and refunds on approval. A claim that got no answer is sent again with the same
Idempotency-Key, as a client retries, so a refund issued twice would show as a second refund on the emulator."""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time

from bench.latency import _delivery, _ids

# Delivered on 2026-05-08 (fulfillments_update.json); claimed two days later, inside kinectr's 7 days.
CLAIM = {"type": "return", "submitted_at": "2026-05-10T10:00:00-06:00", "reason": "damaged_in_transit",
         "items": [{"line_item_id": "9001", "quantity": 1}], "evidence": {"photos": 2, "description": True},
         "preferred_resolution": "refund"}


def fulfillments(orders: int) -> list[tuple[bytes, dict]]:
    """A delivered fulfillment of each order's tees (its own fulfillment id)."""
    return [_delivery("fulfillments_update", "fulfillments/update", {**_ids(n), "4440001": str(8_000_000 + n)})
            for n in range(orders)]


def api_key(env: dict, domain: str) -> str:
    """A request-API key for the shop (`returnkit shops api-key`)."""
    out = subprocess.run([sys.executable, "-m", "integration.cli", "shops", "api-key", domain], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def submit_until_created(port: int, key: str, domain: str, n: int, stats: dict) -> None:
    """POST order n's claim until a web process answers with the request (201, or 200 for a repeat)."""
    body = json.dumps({"shop": domain, "order_id": _ids(n)["5550001"], "request": CLAIM})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}",
               "Idempotency-Key": f"chaos-claim-{n}"}
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/api/v1/requests", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status in (200, 201):
                return
            stats["5xx_or_other"] += 1
        except (OSError, http.client.HTTPException):   # killed mid-answer: IncompleteRead, RemoteDisconnected
            stats["no_answer"] += 1
        finally:
            conn.close()
        time.sleep(0.2)
