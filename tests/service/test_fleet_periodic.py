"""Periodic tasks run once per tick across the fleet: two consumer processes share the store, and each
periodic task's body runs once (SqliteHuey on one machine; RedisHuey + PostgreSQL as in production)."""
import time
from collections import Counter
from datetime import datetime

from tests.fleet_helpers import fleet_env, flush_queue, start_worker

# A consumer that logs each tick it tries to claim, and each task body that runs, to a shared file.
CONSUMER = """
import os, sys
from huey.signals import SIGNAL_EXECUTING
from integration.jobs.queue import huey
log = open(sys.argv[1], "a", buffering=1)
claim = huey.claim_tick
def logged_claim(name, timestamp):
    won = claim(name, timestamp)
    log.write(f"claim {os.getpid()} {name} {won}\\n")
    return won
huey.claim_tick = logged_claim
huey.signal(SIGNAL_EXECUTING)(lambda signal, task: log.write(f"ran {os.getpid()} {task.name}\\n"))
huey.create_consumer(workers=2, worker_type="thread", periodic=True, max_delay=0.2).run()
"""
PERIODIC = {"requeue_lost_deliveries", "reap_actions", "refresh_shopify_tokens"}


def _lines(path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def _wait_for_a_quiet_minute() -> None:
    """Start early in a minute, so both schedulers' first check falls in the same tick."""
    if datetime.now().second > 40:
        time.sleep(62 - datetime.now().second)


def test_two_consumers_run_each_periodic_task_once_per_tick(database_url, tmp_path):
    env = fleet_env(database_url, tmp_path)
    log = tmp_path / "periodic.log"
    _wait_for_a_quiet_minute()
    consumers = [start_worker({**env}, CONSUMER.replace("sys.argv[1]", repr(str(log)))) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            claims = [line for line in _lines(log) if line[0] == "claim"]
            if len({line[1] for line in claims}) == 2 and len(claims) >= 2 * len(PERIODIC):
                break
            time.sleep(0.2)
        time.sleep(3)   # time for a duplicate, if one had been queued, to run
    finally:
        for consumer in consumers:
            consumer.kill()
            consumer.wait()
        flush_queue(env)
    lines = _lines(log)
    claims = Counter((line[2], line[3]) for line in lines if line[0] == "claim")
    ran = Counter(line[2] for line in lines if line[0] == "ran")
    names = {name for name, _ in claims}
    assert PERIODIC <= names
    assert {name: claims[(name, "True")] for name in names} == {name: 1 for name in names}, claims
    assert {name: claims[(name, "False")] for name in names} == {name: 1 for name in names}, claims
    assert {name: ran[name] for name in names} == {name: 1 for name in names}, ran
