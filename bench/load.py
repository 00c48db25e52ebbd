"""A small HTTP load generator: closed-loop throughput and open-loop latency at a fixed rate."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def send(port: int, body: bytes, headers: dict) -> int:
    """POST one delivery on a fresh connection (gunicorn's sync workers do not keep connections alive)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/webhooks/shopify", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def closed_loop(port: int, deliveries, seconds: float, concurrency: int) -> dict:
    """As many requests as `concurrency` clients can push for `seconds`: throughput and error count."""
    lock, counter, stop = threading.Lock(), {"ok": 0, "errors": 0, "next": 0}, time.monotonic() + seconds

    def client():
        while time.monotonic() < stop:
            with lock:
                index = counter["next"] % len(deliveries)
                counter["next"] += 1
            status = send(port, *deliveries[index])
            with lock:
                counter["ok" if status == 200 else "errors"] += 1

    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(client)
    return {"requests_per_s": round(counter["ok"] / seconds, 1), "errors": counter["errors"], "sent": counter["next"]}


def open_loop(port: int, deliveries, rate: float, seconds: float) -> dict:
    """Requests at a fixed rate; latency counts from the scheduled send time, so queueing shows."""
    latencies, errors = [], []
    start = time.monotonic()

    def one(index: int, scheduled: float):
        status = send(port, *deliveries[index % len(deliveries)])
        latencies.append(time.monotonic() - scheduled)
        if status != 200:
            errors.append(status)

    total = int(rate * seconds)
    with ThreadPoolExecutor(64) as pool:
        for i in range(total):
            scheduled = start + i / rate
            time.sleep(max(0.0, scheduled - time.monotonic()))
            pool.submit(one, i, scheduled)
    cuts = statistics.quantiles(latencies, n=100)
    return {"rate": rate, "sent": total, "errors": len(errors), "p50_ms": round(cuts[49] * 1000, 2),
            "p99_ms": round(cuts[98] * 1000, 2)}
