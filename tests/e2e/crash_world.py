"""What the crash tests share: the seeded random source, emulators that lose answers, the worker process."""
import os
import random
import subprocess
import sys

from sqlalchemy import func, select

from integration.db.request_models import Action
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.woocommerce import WooCommerceEmulator

SEED = int(os.environ.get("RETURNKIT_CRASH_SEED", "20261206"))   # printed by the tests: a failure can be replayed
rng = random.Random(SEED)


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
    with rt.sessions() as session:
        return dict(session.execute(select(Action.state, func.count()).group_by(Action.state)).all())
