"""Processes for the fleet tests: a worker environment on the test database and a queue of its own."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

from cryptography.fernet import Fernet

from integration.jobs.fleet import FleetRedisHuey
from integration.jobs.queue import make_huey
from integration.settings import load_settings


def fleet_env(database_url: str, tmp_path, **extra: str) -> dict[str, str]:
    """The environment of a web or worker process: the test database, and RedisHuey on TEST_REDIS_URL when
    the database is PostgreSQL (the production shape), else SqliteHuey; a queue name of its own."""
    env = {**os.environ, "DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"),
           "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode(), "RETURNKIT_QUEUE_NAME": f"rk-test-{uuid.uuid4().hex[:10]}", **extra}
    env.pop("REDIS_URL", None)
    if database_url.startswith("postgresql") and os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    return env


def flush_queue(env: dict[str, str]) -> None:
    """Remove every message, tick and flag of the env's queue."""
    huey = make_huey(load_settings(env))
    huey.flush()
    if isinstance(huey, FleetRedisHuey):
        for key in huey.storage.conn.scan_iter(f"{huey.name}.*"):
            huey.storage.conn.delete(key)


def start_worker(env: dict[str, str], code: str | None = None, threads: int = 4, log=subprocess.DEVNULL):
    """A `returnkit worker` process, or a Python one running `code` (which starts the consumer itself)."""
    args = ["-c", code] if code else ["-m", "integration.cli", "worker", "--workers", str(threads)]
    return subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=log)


def run_python(env: dict[str, str], code: str) -> str:
    """Run `code` in a process of the fleet's environment; its standard output."""
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=300, capture_output=True,
                          text=True).stdout


def seed_decision(session, shop, order_id: str, source_ref: str):
    """An order with an approved decision for its request: what actions hang from."""
    from integration.db.base import utcnow
    from integration.db.order_models import Order
    from integration.db.request_models import Decision, ReturnCase
    order = Order(shop_id=shop.id, order_id=order_id, currency="USD", placed_at=utcnow(),
                  platform_updated_at=utcnow(), tags=[], lines=[])
    session.add(order)
    session.flush()
    case = ReturnCase(shop_id=shop.id, order_pk=order.id, source="api", source_ref=source_ref, request={})
    session.add(case)
    session.flush()
    decision = Decision(case_pk=case.id, policy_version_id=shop.policy_version_id, outcome="approved",
                        document={}, decided_by="policy")
    session.add(decision)
    session.flush()
    return decision


def seed_tag_actions(session, shop, order_id: str, count: int, key_prefix: str) -> list[int]:
    """`count` cheap actions (tag one order) on one decision, inserted in bulk; their ids."""
    from sqlalchemy import insert, select
    from integration.db.base import utcnow
    from integration.db.request_models import Action
    decision = seed_decision(session, shop, order_id, key_prefix)
    session.execute(insert(Action), [
        {"shop_id": shop.id, "decision_pk": decision.id, "kind": "tag_order", "payload": {"order_id": order_id,
         "tag": "returnkit-review"}, "idempotency_key": f"{key_prefix}-{n}", "state": "pending", "attempts": 0,
         "next_attempt_at": utcnow(), "created_at": utcnow()} for n in range(count)])
    return list(session.scalars(select(Action.id).where(Action.decision_pk == decision.id).order_by(Action.id)))
