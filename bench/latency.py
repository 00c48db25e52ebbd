"""Webhook-to-platform latency on the embedded defaults: a signed Shopify `returns/request` goes into
`returnkit`'s web process (gunicorn), the worker decides it, and the Shopify emulator sees the first
call for that return. Reports p50/p99 of (first platform call - webhook sent).

Usage: python -m bench.latency [RETURNS] [RATE]  (figures in docs/benchmarks.md).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from adapters.shopify.verify import sign
from bench.ingest import _start
from bench.load import send

FIXTURES = Path("adapters/shopify/fixtures")
SECRET, TOKEN, DOMAIN = "bench-secret", "shpat_bench", "latency-bench.myshopify.com"


def _delivery(fixture: str, topic: str, replace: dict[str, str]) -> tuple[bytes, dict]:
    text = (FIXTURES / f"{fixture}.json").read_text()
    for old, new in replace.items():
        text = text.replace(old, new)
    body = text.encode()
    return body, {"Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": DOMAIN,
                  "X-Shopify-Hmac-Sha256": sign(body, SECRET), "X-Shopify-Webhook-Id": f"lat-{time.time_ns()}"}


def _ids(n: int) -> dict[str, str]:
    return {"5550001": str(6_000_000 + n), "2220002": str(7_000_000 + n), "2230002": str(7_500_000 + n)}


def _orders_stored(env: dict) -> int:
    out = subprocess.run([sys.executable, "-c", "from integration.runtime import runtime; from sqlalchemy import text;"
                          "print(runtime().engine.connect().execute(text('select count(*) from orders')).scalar())"],
                         env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


def _first_call_after(emulator, sent_at: float, needles: tuple[str, ...]) -> float | None:
    for at, _name, variables in list(emulator.timeline):
        if at >= sent_at and any(n in json.dumps(variables) for n in needles):
            return at
    return None


def _setup(data: str, emulator_url: str) -> dict:
    env = {**os.environ, "RETURNKIT_DATA_DIR": data}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "integration.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "integration.cli", "shops", "add", "--live", "--platform", "shopify", "--domain", DOMAIN,
                    "--webhook-secret", SECRET, "--api-token", TOKEN, "--api-base-url", emulator_url, "--policy",
                    "kaolate"], env=env, check=True, capture_output=True)
    return env


def main(returns: int = 100, rate: float = 10.0) -> dict:
    """Orders first (not timed), then one return request every 1/rate seconds, each timed to its first platform call."""
    from tests.emulators.server import Served
    from tests.emulators.shopify import ShopifyEmulator
    from tests.shopify_schema import admin_schema
    admin_schema()
    emulator = ShopifyEmulator(token=TOKEN)
    served = Served(emulator.app)
    with tempfile.TemporaryDirectory() as data:
        env = _setup(data, served.url)
        web, port = _start("integration.app:create_app()", env, 2)
        worker = subprocess.Popen([sys.executable, "-m", "integration.cli", "worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for fixture in ("products_create", "products_create__hoodie"):
                send(port, *_delivery(fixture, "products/create", {}))
            for n in range(returns):
                ids = _ids(n)
                emulator.state.add_order(ids["5550001"], [("9001", 2, "22.50"), ("9002", 1, "60.00")], shipping="6.50")
                emulator.state.add_return(ids["2220002"])
                send(port, *_delivery("orders_create", "orders/create", ids))
            while _orders_stored(env) < returns:
                time.sleep(0.2)
            sent = {}
            for n in range(returns):
                due = time.monotonic()
                sent[n] = due
                assert send(port, *_delivery("returns_request__tee_unwanted", "returns/request", _ids(n))) == 200
                time.sleep(max(due + 1 / rate - time.monotonic(), 0))
            deadline = time.monotonic() + 60
            latencies = {}
            while len(latencies) < returns and time.monotonic() < deadline:
                for n, at in sent.items():
                    if n not in latencies:
                        ids = _ids(n)
                        seen = _first_call_after(emulator, at, (f"Order/{ids['5550001']}", f"Return/{ids['2220002']}"))
                        if seen is not None:
                            latencies[n] = (seen - at) * 1000
                time.sleep(0.2)
        finally:
            for proc in (web, worker):
                proc.terminate()
                proc.wait()
            served.stop()
    values = sorted(latencies.values())
    return {"returns": returns, "rate_per_s": rate, "answered": len(values),
            "p50_ms": round(statistics.median(values), 1) if values else None,
            "p99_ms": round(values[min(int(len(values) * 0.99), len(values) - 1)], 1) if values else None,
            "max_ms": round(values[-1], 1) if values else None,
            "first_calls": sorted({name for _, name, _ in emulator.timeline})}


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    print(json.dumps(main(int(args[0]) if args else 100, args[1] if len(args) > 1 else 10.0), indent=2))
