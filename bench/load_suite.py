"""The load suite: signed Shopify webhooks at gunicorn at a steady rate, then in bursts, with p50/p99 latency,
error counts, and zero lost deliveries (every accepted delivery is a stored row).

Usage: python -m bench.load_suite [embedded|postgres] [RATE] [SECONDS] [BURST] [BURSTS]
(defaults: embedded 100 20 500 3; figures in docs/reliability.md, "## Load").
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from bench.ingest import DOMAIN, SECRET, _deliveries, _environment, _start, _stored
from bench.load import open_loop, send

QUIET_SECONDS = 5.0


def _percentiles(latencies: list[float]) -> dict:
    if len(latencies) < 2:
        return {"p50_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 1), "p99_ms": round(cuts[98] * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1)}


def burst(port: int, deliveries: list[tuple[bytes, dict]], concurrency: int = 100) -> dict:
    """Every delivery at once (`concurrency` connections in flight); latency from the burst's start."""
    start, latencies, errors = time.monotonic(), [], []

    def one(delivery):
        try:
            status = send(port, *delivery)
        except OSError as exc:
            status = type(exc).__name__
        latencies.append(time.monotonic() - start)
        if status != 200:
            errors.append(status)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, deliveries))
    return {"sent": len(deliveries), "errors": len(errors), "error_kinds": sorted({str(e) for e in errors}),
            "seconds": round(time.monotonic() - start, 2), **_percentiles(latencies)}


def _setup(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "integration.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "integration.cli", "shops", "add", "--live", "--platform", "shopify", "--domain",
                    DOMAIN, "--webhook-secret", SECRET, "--policy", "kaolate"], env=env, check=True, capture_output=True)


def main(backend: str = "embedded", rate: float = 100, seconds: float = 20, burst_size: int = 500, bursts: int = 3,
         workers: int = 4) -> dict:
    """Steady load, then `bursts` bursts with quiet between; every accepted delivery must be stored."""
    with tempfile.TemporaryDirectory() as data:
        env = _environment(data, backend)
        _setup(env)
        web, port = _start("integration.app:create_app()", env, workers)
        try:
            steady = open_loop(port, _deliveries(int(rate * seconds), 20_000_000), rate, seconds)
            runs = []
            for n in range(bursts):
                time.sleep(QUIET_SECONDS)
                runs.append(burst(port, _deliveries(burst_size, 30_000_000 + n * 100_000)))
        finally:
            web.terminate()
            web.wait()
        accepted = steady["sent"] - steady["errors"] + sum(r["sent"] - r["errors"] for r in runs)
        stored = _stored(env)
        _drop(env, backend)
    return {"backend": backend, "gunicorn_workers": workers, "steady": steady, "bursts": runs,
            "accepted": accepted, "stored": stored, "lost": accepted - stored}


def _drop(env: dict, backend: str) -> None:
    if backend == "postgres" and env.get("BENCH_SCHEMA"):
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                        f"DROP SCHEMA {env['BENCH_SCHEMA']} CASCADE"], check=True)
        subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    numbers = [float(a) for a in args[1:]]
    names = ("rate", "seconds", "burst_size", "bursts")
    options = {name: (int(v) if name in ("burst_size", "bursts") else v) for name, v in zip(names, numbers)}
    print(json.dumps(main(args[0] if args else "embedded", **options), indent=2))
