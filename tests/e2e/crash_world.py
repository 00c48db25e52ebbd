"""What the crash tests share: the seeded random source, emulators that lose answers, the worker process and
the loop that kills it at progress marks."""
import os
import random
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from integration.db.models import WebhookDelivery
from integration.db.notify_models import Message
from integration.db.request_models import Action
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.woocommerce import WooCommerceEmulator

SEED = int(os.environ.get("RETURNKIT_CRASH_SEED", "20261206"))   # printed by the tests: a failure can be replayed
rng = random.Random(SEED)
KILL_POINTS = 6   # run_under_kills kills the worker once per sixth of the work done


class LossyShopify(ShopifyEmulator):
    """Loses the answer to about one call in ten (after doing the work)."""

    def handle(self):
        if rng.random() < 0.1:
            self.faults.append("lost")
        return super().handle()


class LossyWoo(WooCommerceEmulator):
    def handle(self, path):
        if rng.random() < 0.1:
            self.faults.append("lost")
        return super().handle(path)


def run_python(env, code: str):
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300)


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "integration.cli", "worker", "--workers", "4"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def reap(env) -> None:
    """What the periodic task does once a minute: take back expired leases, queue due actions."""
    run_python(env, "from integration.jobs.queue import reap_actions\nreap_actions.call_local()")


def action_states(rt) -> dict:
    """How many actions in each state, and for any that died, its kind, attempts and last error (the failure says
    which)."""
    with rt.sessions() as session:
        states = dict(session.execute(select(Action.state, func.count()).group_by(Action.state)).all())
        dead = session.execute(select(Action.id, Action.kind, Action.attempts, Action.last_error)
                               .where(Action.state == "dead")).all()
    return {**states, **{f"dead #{i} {kind} after {n}": error for i, kind, n, error in dead}}


def remaining(rt) -> int:
    """Work not finished: actions and messages not done, tracker deliveries not processed."""
    with rt.sessions() as session:
        actions = session.scalar(select(func.count()).where(Action.state.not_in(("succeeded", "dead"))))
        messages = session.scalar(select(func.count()).where(Message.state.in_(("pending", "running", "retrying"))))
        deliveries = session.scalar(select(func.count()).where(WebhookDelivery.status == "received"))
    return actions + messages + deliveries


def work_done(rt) -> int:
    with rt.sessions() as session:
        messages = session.scalar(select(func.count()).where(Message.state == "succeeded"))
        deliveries = session.scalar(select(func.count()).where(WebhookDelivery.status != "received"))
    return action_states(rt).get("succeeded", 0) + messages + deliveries


def reap_all(env) -> None:
    """What the periodic tasks do once a minute: leases taken back, due actions and messages queued."""
    run_python(env, "from integration.jobs.queue import reap_actions, reap_messages, requeue_lost_deliveries\n"
                    "reap_actions.call_local()\nreap_messages.call_local()\nrequeue_lost_deliveries.call_local()")


def _kill(worker) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def run_under_kills(rt, env, seconds: float = 600) -> int:
    """Kill the worker each time it has done another sixth of the work, at a random point after; then let one
    worker finish (a killed send's lease lapses first). How many kills."""
    deadline, kills = time.monotonic() + seconds, 0
    step = max(remaining(rt) // KILL_POINTS, 1)
    while time.monotonic() < deadline and remaining(rt) > step:
        worker, done = start_worker(env), work_done(rt)
        while time.monotonic() < deadline and work_done(rt) < done + step and remaining(rt):
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.2))
        _kill(worker)
        kills += 1
        reap_all(env)
    worker = start_worker(env)
    while time.monotonic() < deadline and remaining(rt):
        time.sleep(2)
        reap_all(env)
    _kill(worker)
    return kills
