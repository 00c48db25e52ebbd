"""Ingest over HTTP on this machine: our webhook receiver vs a bare Flask endpoint, same gunicorn, same run.

Usage: python -m bench.ingest [embedded|postgres]  (figures in docs/benchmarks.md). The worker is not running: this
measures the receiving edge, which is what the platforms wait for: verify, store and answer, and on postgres (with
Redis) queue the stored ids too; on the embedded defaults the worker queues them from the inbox (jobs/feeder.py).
"""
from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from adapters.shopify.verify import sign
from bench.load import closed_loop, open_loop

SECRET, DOMAIN = "bench-secret", "bench-shop.myshopify.com"
ORDER = json.loads(Path("adapters/shopify/fixtures/orders_create.json").read_text())


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _deliveries(count: int, first_id: int) -> list[tuple[bytes, dict]]:
    out = []
    for i in range(count):
        body = json.dumps({**ORDER, "id": first_id + i}).encode()
        out.append((body, {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
                           "X-Shopify-Shop-Domain": DOMAIN, "X-Shopify-Hmac-Sha256": sign(body, SECRET),
                           "X-Shopify-Webhook-Id": str(uuid.uuid4())}))
    return out


def _start(app: str, env: dict, workers: int, threads: int = 1) -> tuple[subprocess.Popen, int]:
    port = _port()
    # Ours runs as the Procfile runs it: JSON logs and Prometheus multiprocess metrics (integration/gunicorn_conf.py).
    config = ["-c", "integration/gunicorn_conf.py"] if app.startswith("integration.") else []
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *config, "--bind", f"127.0.0.1:{port}", "--workers",
                             str(workers), "--threads", str(threads), "--log-level", "warning", app], env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing", timeout=1)
        except urllib.error.HTTPError:
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def _throughput(port: int, seconds: float, first_id: int) -> dict:
    # Every delivery is unique (its own webhook id), so each accepted one must become one stored row.
    return closed_loop(port, _deliveries(int(seconds * 3000), first_id), seconds, concurrency=16)


def _alternate(ports: dict, seconds: float, rounds: int) -> dict:
    """Throughput of each server in turn, `rounds` times; the ratio is the median of each round's own.

    Both servers are up all along and only one is loaded at a time, so a slow spell of this shared
    machine hits both sides of a round alike instead of skewing one 10-second run; which side goes
    first alternates from round to round, so a spell that starts or ends mid-round favours neither.
    """
    runs: dict[str, list] = {"bare": [], "ingest": []}
    for n in range(rounds):
        for name in (("bare", "ingest") if n % 2 == 0 else ("ingest", "bare")):
            runs[name].append(_throughput(ports[name], seconds, 1_000_000 * (n + 1) + (500_000 if name == "ingest" else 0)))
    ratios = [i["requests_per_s"] / b["requests_per_s"] for b, i in zip(runs["bare"], runs["ingest"])]
    return {"runs": runs, "round_ratios": [round(r, 2) for r in ratios], "ratio": round(statistics.median(ratios), 2)}


def _environment(data: str, backend: str) -> dict:
    env = {**os.environ, "RETURNKIT_DATA_DIR": data}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)
    if backend == "postgres":
        from cryptography.fernet import Fernet
        schema = f"rk_bench_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", f"CREATE SCHEMA {schema}"],
                       check=True)
        env.update(DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}",
                   REDIS_URL="redis://127.0.0.1:6379/14", RETURNKIT_SECRET_KEY=Fernet.generate_key().decode(),
                   BENCH_SCHEMA=schema)
    return env


def _stored(env: dict) -> int:
    out = subprocess.run([sys.executable, "-c", "from integration.runtime import runtime; from sqlalchemy import text;"
                          "print(runtime().engine.connect().execute(text('select count(*) from webhook_deliveries')).scalar())"],
                         env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


def main(backend: str = "embedded", seconds: float = 6, workers: int = 4, rounds: int = 5, threads: int = 1) -> dict:
    """Run both servers in turn and compare; backend is embedded (SQLite + SqliteHuey) or postgres (+ Redis)."""
    with tempfile.TemporaryDirectory() as data:
        env = _environment(data, backend)
        subprocess.run([sys.executable, "-m", "integration.cli", "db", "upgrade"], env=env, check=True)
        subprocess.run([sys.executable, "-m", "integration.cli", "shops", "add", "--live", "--platform", "shopify", "--domain",
                        DOMAIN, "--webhook-secret", SECRET, "--policy", "kaolate"], env=env, check=True, capture_output=True)
        procs, ports = {}, {}
        try:
            for name, app in (("bare", "bench.bare_app:create_bare_app()"), ("ingest", "integration.app:create_app()")):
                procs[name], ports[name] = _start(app, env, workers, threads)
            results = _alternate(ports, seconds, rounds)
            for name in ("bare", "ingest"):
                results[name] = {"requests_per_s": statistics.median(r["requests_per_s"] for r in results["runs"][name]),
                                 "at_200_per_s": open_loop(ports[name], _deliveries(int(seconds * 200), 9_000_000), 200,
                                                           seconds)}
        finally:
            for proc in procs.values():
                proc.terminate()
                proc.wait()
        ours = results["runs"]["ingest"] + [results["ingest"]["at_200_per_s"]]
        accepted = sum(run["sent"] - run["errors"] for run in ours)
        results["accepted"] = accepted
        results["stored"] = _stored(env)
        results["lost"] = accepted - results["stored"]
        results["backend"] = backend
        if env.get("BENCH_SCHEMA"):
            subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                            f"DROP SCHEMA {env['BENCH_SCHEMA']} CASCADE"], check=True)
            subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    return results


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "embedded"), indent=2))
