"""Drain 1,000 refunds for one shop through a real `returnkit worker` against the Shopify emulator's
cost bucket, on the embedded defaults, and compare with the fastest the bucket allows.

Usage: python -m bench.drain [REFUNDS] [RESTORE_RATE]  (figures in docs/benchmarks.md). A refund is a
suggestedRefund query (2 points) and a refundCreate mutation (10 points); the emulator's bucket holds
1,000 points. The floor is (points - bucket) / restore rate; efficiency = floor / measured time.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

BUCKET, COST_PER_REFUND = 1000, 12
TOKEN, DOMAIN = "shpat_bench", "drain-bench.myshopify.com"


def _seed(emulator, refunds: int) -> list[int]:
    """One decision with `refunds` refund actions, each on an order of its own in the emulator."""
    from integration.db.engine import transaction
    from integration.db.request_models import Action
    from integration.policy.loader import resolve_policy_path
    from integration.runtime import runtime
    from integration.shops.core import add_shop
    from tests.fleet_helpers import seed_decision
    with transaction(runtime().sessions) as session:
        shop = add_shop(session, platform="shopify", domain=DOMAIN, webhook_secret="s", api_token=TOKEN,
                        api_base_url=emulator.url, policy_text=resolve_policy_path("kaolate").read_text())
        decision = seed_decision(session, shop, "1", "bench")
        actions = [Action(shop_id=shop.id, decision_pk=decision.id, kind="refund", idempotency_key=f"bench-refund-{n}",
                          payload={"order_id": str(700000 + n), "amount": "10.00", "currency": "USD", "shipping": "0",
                                   "lines": [[str(800000 + n), 1]]}) for n in range(refunds)]
        session.add_all(actions)
        session.flush()
        return [a.id for a in actions]


def _states() -> dict:
    from sqlalchemy import func, select
    from integration.db.request_models import Action
    from integration.runtime import runtime
    with runtime().sessions() as session:
        return dict(session.execute(select(Action.state, func.count()).group_by(Action.state)).all())


def main(refunds: int = 1000, restore: float = 200.0) -> dict:
    """Seed, queue, run a worker until every refund is done; the report."""
    data = tempfile.mkdtemp(prefix="rk-drain-")
    os.environ.update(RETURNKIT_DATA_DIR=data)
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    from integration.db.migrate import upgrade
    from integration.runtime import runtime
    from tests.emulators.server import Served
    from tests.emulators.shopify import ShopifyEmulator
    from tests.shopify_schema import admin_schema
    admin_schema()
    emulator = ShopifyEmulator(token=TOKEN, bucket=BUCKET, restore_rate=restore)
    for n in range(refunds):
        emulator.state.add_order(str(700000 + n), [(str(800000 + n), 1, "10.00")])
    served = Served(emulator.app)
    emulator.url = served.url
    upgrade(runtime().settings.database_url)
    ids = _seed(emulator, refunds)
    from integration.jobs.queue import enqueue_action
    for action_id in ids:
        enqueue_action(action_id)
    started = time.monotonic()
    worker = subprocess.Popen([sys.executable, "-m", "integration.cli", "worker", "--workers", "4"],
                              env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while (_states().get("succeeded", 0) + _states().get("dead", 0)) < refunds:
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait()
        served.stop()
    floor = max(refunds * COST_PER_REFUND - BUCKET, 0) / restore
    return {"refunds": refunds, "restore_rate": restore, "bucket": BUCKET, "seconds": round(elapsed, 1),
            "refunds_per_s": round(refunds / elapsed, 1), "limit_refunds_per_s": round(restore / COST_PER_REFUND, 1),
            "floor_seconds": round(floor, 1), "efficiency": round(floor / elapsed, 2), "states": _states(),
            "throttled_answers": emulator.throttled, "refunded_orders": len(emulator.state.refunds)}


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    print(json.dumps(main(int(args[0]) if args else 1000, args[1] if len(args) > 1 else 200.0), indent=2))
