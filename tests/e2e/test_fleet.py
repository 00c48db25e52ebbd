"""The fleet crash test: 3 gunicorn web processes and 3 `returnkit worker` processes on PostgreSQL + Redis.
Return requests go to the web processes at random while web and worker processes are SIGKILLed and
restarted every few seconds, and 10 % of platform answers are lost after the effect was made. Nothing
may be lost; each intent refunds once on both platforms.

CI size: RETURNKIT_FLEET_REQUESTS (default 600); the documented run uses 2000 (docs/reliability.md)."""
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.request_models import Action, ReturnCase
from integration.runtime import build_runtime
from integration.shops.core import issue_api_key
from integration.settings import load_settings
from tests.e2e.test_crash import (CLAIM, woo_order, LossyShopify, LossyWoo, _orders, _reap, _states, assert_one_refund_per_intent,
                                  crash_shops)
from tests.emulators.server import Served
from tests.shopify_schema import admin_schema
from tests.fleet_helpers import fleet_env, flush_queue, start_worker

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

PER_PLATFORM = int(os.environ.get("RETURNKIT_FLEET_REQUESTS", "600")) // 2
KILLS = 8   # at evenly spaced points of the work, whatever the machine's speed
rng = random.Random(int(os.environ.get("RETURNKIT_FLEET_SEED", "20261206")))
NOT_APPLICABLE = ("the fleet shape (web and workers on several machines) needs PostgreSQL + Redis, and SqliteHuey "
                  "serves one machine only: set TEST_DATABASE_URL and TEST_REDIS_URL to run it (CI does)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Fleet:
    """The web and worker processes; any of them can be killed and restarted in place."""

    def __init__(self, env, logs):
        self.env, self.logs = env, logs
        self.ports = [_free_port() for _ in range(3)]
        self.web = {port: self._web(port) for port in self.ports}
        self.workers = [self._worker() for _ in range(3)]

    def _web(self, port):
        with open(self.logs / f"web-{port}.log", "ab") as log:   # the child keeps its own copy open
            return subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
                                     "1", "--threads", "4", "integration.app:create_app()"], env=self.env,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def _worker(self):
        with open(self.logs / "workers.log", "ab") as log:
            return start_worker(self.env, log=log)

    def kill_one(self, kind: str) -> str:
        """SIGKILL a random web process (master and its workers) or worker, and start it again."""
        key, process = rng.choice([*self.web.items()] if kind == "web" else [*enumerate(self.workers)])
        os.killpg(process.pid, signal.SIGKILL) if key in self.web else process.kill()
        process.wait()
        if key in self.web:
            self.web[key] = self._web(key)
            return "web"
        self.workers[key] = self._worker()
        return "worker"

    def stop(self):
        for process in [*self.web.values(), *self.workers]:
            os.killpg(process.pid, signal.SIGKILL) if process in self.web.values() else process.kill()
            process.wait()


@pytest.fixture()
def world(database_url, tmp_path):
    if not database_url.startswith("postgresql") or not os.environ.get("TEST_REDIS_URL"):
        pytest.skip(NOT_APPLICABLE)
    env = fleet_env(database_url, tmp_path, RETURNKIT_ACTION_LEASE_SECONDS="15",
                     RETURNKIT_ACTION_BACKOFF_SECONDS="1")  # a lease longer than a platform call (10 s timeout)
    rt = build_runtime(load_settings(env))
    admin_schema()   # the emulator validates each document against it: load it before the first call times out
    shopify, woo = LossyShopify(token="shpat_crash", bucket=10**7, restore_rate=10**6), LossyWoo()
    servers = [Served(shopify.app), Served(woo.app)]
    with transaction(rt.sessions) as session:
        s1, s2 = crash_shops(session, servers)
        keys = {s1.domain: issue_api_key(s1), s2.domain: issue_api_key(s2)}
        _orders(session, s1, PER_PLATFORM, 10_000, submit=False)
        _orders(session, s2, PER_PLATFORM, 50_000, submit=False)
    for n in range(PER_PLATFORM):
        shopify.state.add_order(10_000 + n, [("1", 1, "20.00")], shipping="5.00")
        woo.add_order(woo_order(50_000 + n))
    work = [(s1.domain, 10_000 + n) for n in range(PER_PLATFORM)] + [(s2.domain, 50_000 + n) for n in range(PER_PLATFORM)]
    rng.shuffle(work)
    fleet = Fleet(env, tmp_path)
    yield rt, env, fleet, keys, work, shopify, woo
    fleet.stop()
    flush_queue(env)
    for server in servers:
        server.stop()
    rt.engine.dispose()


def _submit(fleet, keys, domain, order_id) -> int:
    """POST one request to a random web process until one answers 201 (a killed one drops the connection);
    the Idempotency-Key makes a repeat return the first request."""
    body = {"shop": domain, "order_id": str(order_id), "request": CLAIM}
    headers = {"Authorization": f"Bearer {keys[domain]}", "Idempotency-Key": f"fleet-{order_id}"}
    for _ in range(600):
        port = rng.choice(fleet.ports)
        try:
            answer = requests.post(f"http://127.0.0.1:{port}/api/v1/requests", json=body, headers=headers, timeout=10)
            if answer.status_code == 201:
                return answer.json()["request_id"]
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"order {order_id}: no web process accepted the request")


def _counted(answered: list, request_id: int) -> int:
    answered.append(request_id)
    return request_id


def _chaos(fleet, env, stop: threading.Event, kills: list[str], progress) -> None:
    """Kill a web process and a worker by turns as the work passes each of KILLS evenly spaced marks."""
    total, kinds = 6 * PER_PLATFORM, rng.sample(("web", "worker"), 2)
    for n in range(KILLS):
        while progress() < total * (n + 1) // (KILLS + 1):
            if stop.wait(0.1):
                return
        stop.wait(rng.uniform(0, 0.3))
        kills.append(fleet.kill_one(kinds[n % 2]))
        _reap(env)   # the once-a-minute reaper, compressed: expired leases back, a drain for every due shop


def _wait_until_done(rt, env, expected: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _states(rt).get("succeeded", 0) < expected:
        time.sleep(3)
        _reap(env)
    return _states(rt)


def test_killing_web_and_worker_processes_loses_nothing_and_refunds_each_intent_once(world):
    rt, env, fleet, keys, work, shopify, woo = world
    stop, kills, answered = threading.Event(), [], []
    progress = lambda: len(answered) + _states(rt).get("succeeded", 0)  # noqa: E731  (requests in, actions done)
    chaos = threading.Thread(target=_chaos, args=(fleet, env, stop, kills, progress), daemon=True)
    started = time.monotonic()
    chaos.start()
    with ThreadPoolExecutor(4) as pool:
        request_ids = list(pool.map(lambda item: _counted(answered, _submit(fleet, keys, *item)), work))
    while time.monotonic() - started < 600 and len(kills) < KILLS and chaos.is_alive():
        time.sleep(1)
    stop.set()
    chaos.join()
    states = _wait_until_done(rt, env, 4 * PER_PLATFORM, 300)   # what still waits out its backoff
    print(f"\nfleet: {2 * PER_PLATFORM} requests, kills {kills.count('web')} web / {kills.count('worker')} worker, "
          f"{time.monotonic() - started:.0f} s")
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReturnCase)) == 2 * PER_PLATFORM
        assert session.scalar(select(func.count()).select_from(Action)) == 4 * PER_PLATFORM
    assert len(set(request_ids)) == 2 * PER_PLATFORM
    assert states == {"succeeded": 4 * PER_PLATFORM}, states
    assert len(kills) == KILLS and "web" in kills and "worker" in kills, kills
    assert_one_refund_per_intent(shopify, woo, PER_PLATFORM)
