"""Per-shop fairness: with 10,000 actions of shop A queued, shop B's first action runs within seconds
(each shop has one drain at a time in the queue, and each drain yields after about a second)."""
import json
import os
import time

import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.request_models import Action, ActionAttempt
from integration.policy.loader import resolve_policy_path
from integration.runtime import build_runtime
from integration.shops.core import add_shop
from integration.settings import load_settings
from tests.e2e.test_crash import woo_order
from tests.emulators.server import Served
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.fleet_helpers import fleet_env, flush_queue, run_python, seed_tag_actions, start_worker

pytestmark = pytest.mark.proving   # two shops' queues timed against each other: the proving tier

BACKLOG = int(os.environ.get("RETURNKIT_FAIRNESS_BACKLOG", "10000"))
ENQUEUE = ("import json, sys, time\nfrom integration.jobs.queue import enqueue_action\n"
           "started = time.time()\nfor i in json.loads(sys.argv[1]): enqueue_action(i)\nprint(started)")


def _shops(session, url):
    policy = resolve_policy_path("kinectr").read_text()
    return [add_shop(session, platform="woocommerce", domain=f"https://{name}.example.com", webhook_secret="x",
                     policy_text=policy, consumer_key="ck_test", consumer_secret="cs_test", api_base_url=url)
            for name in ("busy", "quiet")]


def _count(rt, shop_id, state) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).where(Action.shop_id == shop_id, Action.state == state))


def _finished_at(rt, action_id):
    with rt.sessions() as session:
        return session.scalar(select(ActionAttempt.finished_at).where(
            ActionAttempt.action_pk == action_id, ActionAttempt.status == "succeeded"))


def _enqueue(env, ids) -> float:
    return float(run_python({**env}, ENQUEUE.replace("sys.argv[1]", repr(json.dumps(ids)))).strip())


def test_a_busy_shop_does_not_delay_another_shops_first_action(database_url, tmp_path):
    env = fleet_env(database_url, tmp_path)
    rt = build_runtime(load_settings(env))
    woo = WooCommerceEmulator()
    woo.latency = 0.002
    served = Served(woo.app)
    for order in ("1", "2"):
        woo.add_order(woo_order(int(order)))
    with transaction(rt.sessions) as session:
        busy, quiet = _shops(session, served.url)
        busy_ids = seed_tag_actions(session, busy, "1", BACKLOG, "busy")
    worker = start_worker(env)
    try:
        first_queued = _enqueue(env, busy_ids[:1])   # one drain message covers the shop's whole backlog
        while _count(rt, busy.id, "succeeded") < 200:
            time.sleep(0.1)
        with transaction(rt.sessions) as session:
            [quiet_id] = seed_tag_actions(session, quiet, "2", 1, "quiet")
        queued_at = _enqueue(env, [quiet_id])
        while (finished := _finished_at(rt, quiet_id)) is None and time.time() - queued_at < 60:
            time.sleep(0.05)
        busy_done = _count(rt, busy.id, "succeeded")
        busy_rate = busy_done / (time.time() - first_queued)
    finally:
        worker.kill()
        worker.wait()
        flush_queue(env)
        served.stop()
        rt.engine.dispose()
    assert finished is not None, "the quiet shop's action never ran"
    delay = finished.timestamp() - queued_at
    print(f"\nfairness[{database_url.split(':')[0]}]: quiet shop's first action after {delay:.2f} s; busy shop "
          f"{busy_done} of {BACKLOG} done at {busy_rate:.0f}/s (one queue for all would take ~{BACKLOG / busy_rate:.0f} s)")
    assert delay < 5
    assert busy_done < BACKLOG   # it did not wait for the backlog: the busy shop was still draining
