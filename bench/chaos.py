"""The chaos replay: signed orders and return requests for many orders at gunicorn + `returnkit worker`, while web
and worker processes are SIGKILLed at random and restarted. A delivery that got no answer is sent again, as a
platform retries. Afterwards every answered delivery is stored and processed once, and nothing is duplicated.

Usage: python -m bench.chaos [DELIVERIES [POLICY [claims]]]  (default 10,000, kaolate; docs/reliability.md, "Chaos").
Embedded defaults in a temp dir; PostgreSQL + Redis when TEST_DATABASE_URL and TEST_REDIS_URL are set.
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bench import chaos_claims
from bench.ingest import _port
from bench.latency import _delivery, _ids
from bench.load import send

SECRET, TOKEN, DOMAIN = "bench-secret", "shpat_bench", "latency-bench.myshopify.com"
SWEEP = """
from datetime import timedelta
from integration.db.engine import transaction
from integration.jobs.queue import process_delivery_task, reap_actions
from integration.runtime import runtime
from integration.inbox.store import pending_deliveries
from integration.db.base import utcnow
# What requeue_lost_deliveries does, sooner: rows still unprocessed 20 s after they were stored, run here and
# now rather than queued again (queuing every pending row every few seconds would bury the worker in repeats).
with transaction(runtime().sessions) as session:
    ids = pending_deliveries(session, utcnow() - timedelta(seconds=20))
for i in ids:
    try:
        process_delivery_task.call_local(i)
    except Exception:
        pass   # its order has not arrived yet, or a worker holds the row: still received, the next sweep retries
reap_actions.call_local()
"""

class Fleet:
    """One gunicorn web (its own process group) and one worker, each killable and restartable."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.procs, self.kills = env, port, {}, {"web": 0, "worker": 0}

    def start(self, name: str) -> None:
        """Start the web or the worker."""
        cmd = ([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                "--log-level", "error", "integration.app:create_app()"] if name == "web"
               else [sys.executable, "-m", "integration.cli", "worker", "--workers", "4"])
        self.procs[name] = subprocess.Popen(cmd, env=self.env, start_new_session=True,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group (gunicorn's master and its workers; the consumer and its threads)."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        self.kills[name] += 1

    def stop(self) -> None:
        """Kill everything still running."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _env(data: str, emulator_url: str, policy: str) -> dict:
    from cryptography.fernet import Fernet
    env = {**os.environ, "RETURNKIT_DATA_DIR": data, "RETURNKIT_ACTION_LEASE_SECONDS": "4",
           "RETURNKIT_ACTION_BACKOFF_SECONDS": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)
    if os.environ.get("TEST_DATABASE_URL") and os.environ.get("TEST_REDIS_URL"):
        schema = f"rk_chaos_{uuid.uuid4().hex[:8]}"
        subprocess.run([sys.executable, "-c", f"from sqlalchemy import create_engine, text; e = create_engine("
                        f"{os.environ['TEST_DATABASE_URL'].replace('postgresql://', 'postgresql+psycopg://')!r}); "
                        f"c = e.connect(); c.execute(text('CREATE SCHEMA {schema}')); c.commit()"], check=True)
        base = os.environ["TEST_DATABASE_URL"]
        env.update(DATABASE_URL=f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}",
                   REDIS_URL=os.environ["TEST_REDIS_URL"], RETURNKIT_SECRET_KEY=Fernet.generate_key().decode(),
                   CHAOS_SCHEMA=schema, RETURNKIT_QUEUE_NAME=schema)   # a queue of its own, emptied after
    subprocess.run([sys.executable, "-m", "integration.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "integration.cli", "shops", "add", "--live", "--platform", "shopify", "--domain", DOMAIN,
                    "--webhook-secret", SECRET, "--api-token", TOKEN, "--api-base-url", emulator_url, "--policy",
                    policy], env=env, check=True, capture_output=True)
    return env


def _deliveries(orders: int, emulator, claims: bool) -> list[list[tuple[bytes, dict]]]:
    """Phases: the products, then an order each, (its delivery,) then a return request on each (fresh ids)."""
    for n in range(orders):
        ids = _ids(n)
        emulator.state.add_order(ids["5550001"], [("9001", 2, "22.50"), ("9002", 1, "60.00")], shipping="6.50")
        emulator.state.add_return(ids["2220002"])
    return [[_delivery(f, "products/create", {}) for f in ("products_create", "products_create__hoodie")],
            [_delivery("orders_create", "orders/create", _ids(n)) for n in range(orders)],
            *([chaos_claims.fulfillments(orders)] if claims else []),
            [_delivery("returns_request__tee_unwanted", "returns/request", _ids(n)) for n in range(orders)]]


def _send_until_answered(port: int, delivery, stats: dict, progress: Progress) -> None:
    """Send, and send again (the same webhook id) until a 200 comes back, as a platform retries."""
    while True:
        try:
            if send(port, *delivery) == 200:
                progress.add()
                return
            stats["5xx_or_other"] += 1
        except (OSError, http.client.HTTPException):   # killed mid-answer: IncompleteRead, RemoteDisconnected
            stats["no_answer"] += 1
        time.sleep(0.2)


class Progress:
    """Answered deliveries, counted; the chaos thread kills at counts, so a faster machine gets as many kills."""

    def __init__(self):
        self.count, self.changed = 0, threading.Condition()

    def add(self) -> None:
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def reached(self, mark: int, stop: threading.Event) -> bool:
        """Wait until `mark` deliveries are answered (True) or the run stops (False)."""
        with self.changed:
            while self.count < mark:
                if stop.is_set():
                    return False
                self.changed.wait(0.2)
        return True


def _chaos(fleet: Fleet, stop: threading.Event, progress: Progress, marks: list[int], rng: random.Random) -> None:
    """Kill the web or the worker (taking turns, the first one seeded) as the answered count passes each mark."""
    names = rng.sample(("web", "worker"), 2)
    for n, mark in enumerate(marks):
        if not progress.reached(mark, stop):
            return
        time.sleep(rng.uniform(0, 0.3))   # somewhere inside the deliveries in flight, not on the answer itself
        fleet.kill(names[n % 2])
        time.sleep(rng.uniform(0.1, 0.5))
        fleet.start(names[n % 2])


def _query(env: dict, sql: str):
    out = subprocess.run([sys.executable, "-c", "import json; from integration.runtime import runtime; from sqlalchemy "
                          f"import text; print(json.dumps([list(r) for r in runtime().engine.connect().execute("
                          f"text({sql!r}))], default=str))"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _drain(env: dict, requests: int, seconds: float) -> None:
    """Until every row is processed and every action done; the sweep does at once what the periodic tasks do."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = _query(env, "select (select count(*) from webhook_deliveries where status = 'received') + "
                           "(select count(*) from actions where state <> 'succeeded') + "
                           f"{requests} - (select count(*) from return_cases)")[0][0]
        if left == 0:
            return
        subprocess.run([sys.executable, "-c", SWEEP], env=env, check=True, capture_output=True)
        time.sleep(3)


def _verify(env: dict, emulator, orders: int) -> dict:
    refunds: dict[str, int] = {}
    for refund in emulator.state.refunds:
        refunds[refund["key"]] = refunds.get(refund["key"], 0) + 1
    return {
        "deliveries_by_status": dict(_query(env, "select status, count(*) from webhook_deliveries group by status")),
        "orders_stored": _query(env, "select count(*) from orders")[0][0],
        "requests": _query(env, "select count(*) from return_cases")[0][0],
        "requests_decided_twice": _query(env, "select count(*) from (select case_pk from decisions group by case_pk "
                                              "having count(*) > 1) twice")[0][0],
        "actions_by_state": dict(_query(env, "select state, count(*) from actions group by state")),
        "duplicate_actions": _query(env, "select count(*) from (select decision_pk, kind from actions group by "
                                         "decision_pk, kind having count(*) > 1) twice")[0][0],
        "refunds": len(emulator.state.refunds), "duplicate_refunds": sum(c - 1 for c in refunds.values()),
        # Each refunded order's total, counted: one amount for every order means none was refunded twice.
        "orders_by_amount_refunded": _amounts(emulator),
        "platform_calls": _call_counts(emulator),
    }


def _amounts(emulator) -> dict:
    counts: dict[str, int] = {}
    for order in list(emulator.state.orders.values()):
        if order["refunded"]:
            counts[str(order["refunded"])] = counts.get(str(order["refunded"]), 0) + 1
    return counts


def _call_counts(emulator) -> dict:
    counts: dict[str, int] = {}
    for _at, name, _variables in list(emulator.timeline):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _drop_schema(env: dict) -> None:
    if env.get("CHAOS_SCHEMA"):
        subprocess.run([sys.executable, "-c", f"from sqlalchemy import create_engine, text; e = create_engine("
                        f"{os.environ['TEST_DATABASE_URL'].replace('postgresql://', 'postgresql+psycopg://')!r}); "
                        f"c = e.connect(); c.execute(text('DROP SCHEMA {env['CHAOS_SCHEMA']} CASCADE')); c.commit()"],
                       check=True)
        import redis   # the run's queue, its schedule, flags and ticks: every key names the queue
        conn = redis.Redis.from_url(env["REDIS_URL"])
        for key in conn.scan_iter(f"*{env['CHAOS_SCHEMA']}*"):
            conn.delete(key)


def _send_all(items, send_one, concurrency: int, stats: dict) -> None:
    """send_one(item, counts) for every item, `concurrency` at a time; each send's retries added to stats."""
    lock = threading.Lock()

    def send(item):
        local = {"5xx_or_other": 0, "no_answer": 0}
        send_one(item, local)
        with lock:
            for key, value in local.items():
                stats[key] += value

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, items))


def _replay(fleet: Fleet, env: dict, emulator, orders: int, claims: bool, concurrency: int, stats: dict,
            drain_seconds: float, progress: Progress) -> None:
    for phase in _deliveries(orders, emulator, claims):
        _send_all(phase, lambda delivery, counts: _send_until_answered(fleet.port, delivery, counts, progress),
                  concurrency, stats)
    if claims:
        # A customer claims days after the delivery: the deliveries are applied first, or a claim could meet
        # an order not yet known to be delivered (rightly sent to the merchant to review, but not this test).
        _drain(env, orders, drain_seconds)
        key = chaos_claims.api_key(env, DOMAIN)
        _send_all(range(orders), lambda n, counts: chaos_claims.submit_until_created(fleet.port, key, DOMAIN, n, counts),
                  concurrency, stats)
        progress.add()   # the claims count as one step: the kills are spent on the webhook phases


def kill_marks(deliveries: int, kills: int) -> list[int]:
    """The answered counts at which to kill: `kills` of them, evenly spaced inside the run."""
    return [deliveries * (n + 1) // (kills + 1) for n in range(kills)]


def main(deliveries: int = 10_000, kills: int | None = None, concurrency: int = 16, drain_seconds: float = 900,
         policy: str = "kaolate", claims: bool = False, seed: int = 20261206) -> dict:
    """Replay `deliveries` (half orders, half return requests, plus two products) under SIGKILLs.

    The kills (default one per 250 deliveries, at least two) fall as the answered count passes evenly spaced
    marks, the process and the moment inside the deliveries in flight drawn from `seed`.

    kaolate and kinectr decline these change-of-mind returns; with `claims` (kinectr) each order is also
    delivered and claimed as damaged in transit through the request API, and refunded on approval."""
    from tests.emulators.server import Served
    from tests.emulators.shopify import ShopifyEmulator
    from tests.shopify_schema import admin_schema
    admin_schema()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the emulator's access log
    orders = max(deliveries // 2, 1)
    emulator = ShopifyEmulator(token=TOKEN, bucket=10**7, restore_rate=10**6)
    served = Served(emulator.app)
    stats, stop, progress = {"5xx_or_other": 0, "no_answer": 0}, threading.Event(), Progress()
    webhooks = 2 + (3 if claims else 2) * orders
    marks = kill_marks(webhooks, kills if kills is not None else max(2, webhooks // 250))
    with tempfile.TemporaryDirectory() as data:
        env = _env(data, served.url, policy)
        fleet = Fleet(env, _port())
        fleet.start("web"), fleet.start("worker")
        chaos = threading.Thread(target=_chaos, args=(fleet, stop, progress, marks, random.Random(seed)))
        started = time.monotonic()
        try:
            chaos.start()
            _replay(fleet, env, emulator, orders, claims, concurrency, stats, drain_seconds, progress)
            stop.set()
            chaos.join()
            replayed = time.monotonic() - started
            _drain(env, orders * (2 if claims else 1), drain_seconds)
            result = _verify(env, emulator, orders)
        finally:
            stop.set()
            fleet.stop()
            served.stop()
            _drop_schema(env)
    return {"deliveries": webhooks, "orders": orders, "kills": fleet.kills, "planned_kills": len(marks), "resent": stats,
            "replay_seconds": round(replayed, 1), "total_seconds": round(time.monotonic() - started, 1),
            "backend": "postgresql+redis" if env.get("CHAOS_SCHEMA") else "embedded", "policy": policy,
            "claims": claims, **result}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000,
                          policy=sys.argv[2] if len(sys.argv) > 2 else "kaolate",
                          claims=len(sys.argv) > 3 and sys.argv[3] == "claims"), indent=2))
