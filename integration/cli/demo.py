"""`returnkit demo post`: a Shopify sample fixture, dated relative to today, signed with the demo shop's secret and
posted to the local service (only the standard library and the signing module: it starts at once, with no database)."""
from __future__ import annotations

import json
import re
import time
from datetime import date
import urllib.error
import urllib.request
from pathlib import Path

from adapters.shopify import verify as shopify_verify
from integration.cli.errors import CommandError

DEMO_DOMAIN = "kaolate-demo.myshopify.com"   # the shop the Shopify sample fixtures belong to
DEMO_SECRET = "demo-webhook-secret"           # a demo only: real shops get their own secret
FIXTURES = Path(__file__).resolve().parents[2] / "adapters" / "shopify" / "fixtures"
# The day the fixtures' story stands at (the order delivered two days before): posted fixtures are moved by whole
# days so that this day is today, and a customer trying the demo is inside the policy's windows.
FIXTURES_TODAY = date(2026, 5, 12)
_TIMESTAMP = re.compile(rb'"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"')


def dated_today(body: bytes, today: date) -> bytes:
    """The fixture with every timestamp moved by the whole days from FIXTURES_TODAY to `today` (times of day and
    offsets kept)."""
    shift = today - FIXTURES_TODAY

    def moved(match: re.Match) -> bytes:
        day = date.fromisoformat(match.group(1).decode()) + shift
        return b'"' + day.isoformat().encode() + match.group(2) + b'"'
    return _TIMESTAMP.sub(moved, body)


def _fixture_body(fixture: str) -> bytes:
    path = FIXTURES / f"{fixture}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in FIXTURES.glob("*.json")))
        raise CommandError(f"demo post: no fixture {fixture!r}; use one of: {known}")
    return path.read_bytes()


def demo_post(fixture: str, port: int) -> int:
    """Sign a Shopify sample fixture with the demo secret, POST it to the local service and print the answer as
    JSON: {"status": ..., "body": ...}."""
    body = dated_today(_fixture_body(fixture), date.today())
    base = fixture.split("__")[0]
    topic = base.replace("_", "/", 1) if not base.startswith("fulfillment_events") else "fulfillment_events/create"
    url = f"http://127.0.0.1:{port}/webhooks/shopify"
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": DEMO_DOMAIN,
        "X-Shopify-Hmac-Sha256": shopify_verify.sign(body, DEMO_SECRET), "X-Shopify-Webhook-Id": f"demo-{time.time_ns()}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, answer = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise CommandError(f"demo post: nothing answers at {url} ({getattr(exc, 'reason', exc)}): is `returnkit serve` "
                           "running? Set PORT to the port it serves on.") from None
    try:
        parsed = json.loads(answer)
    except ValueError:
        parsed = answer.decode("utf-8", "replace")
    print(json.dumps({"status": status, "body": parsed}))
    return 0 if status < 400 else 1
