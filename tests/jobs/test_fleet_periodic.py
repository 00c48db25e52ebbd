"""Periodic tasks run once per tick across the fleet: two consumer processes share the store, and each
periodic task's body runs once (SqliteHuey on one machine; RedisHuey + PostgreSQL as in production)."""
import time
from collections import Counter

import pytest

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
    log.write(f"claim {os.getpid()} {name} {won} {timestamp:%Y%m%d%H%M}\\n")
    return won
huey.claim_tick = logged_claim
huey.signal(SIGNAL_EXECUTING)(lambda signal, task: log.write(f"ran {os.getpid()} {task.name}\\n"))
huey.create_consumer(workers=2, worker_type="thread", periodic=True, max_delay=0.2).run()
"""
PERIODIC = {"requeue_lost_deliveries", "reap_actions", "refresh_credentials"}

pytestmark = pytest.mark.proving   # consumer processes, killed at the end: `make proving`


def _lines(path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def _contested(lines) -> set[str]:
    """The periodic tasks whose tick both consumers have tried to claim."""
    pids: dict[tuple[str, str], set[str]] = {}
    for line in lines:
        if line[0] == "claim":
            pids.setdefault((line[2], line[4]), set()).add(line[1])
    return {name for (name, _tick), seen in pids.items() if len(seen) == 2}


def test_two_consumers_run_each_periodic_task_once_per_tick(database_url, tmp_path):
    env = fleet_env(database_url, tmp_path)
    log = tmp_path / "periodic.log"
    consumers = [start_worker({**env}, CONSUMER.replace("sys.argv[1]", repr(str(log)))) for _ in range(2)]
    try:
        # Until both have tried one tick of every task: at once when they started in one minute, at the next
        # minute's tick when their starts straddled one (a tick seen by one consumer alone is still checked).
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not PERIODIC <= _contested(_lines(log)):
            time.sleep(0.2)
        time.sleep(3)   # time for a duplicate, if one had been queued, to run
    finally:
        for consumer in consumers:
            consumer.kill()
            consumer.wait()
        flush_queue(env)
    lines = _lines(log)
    assert PERIODIC <= _contested(lines), lines
    won = Counter((line[2], line[4]) for line in lines if line[0] == "claim" and line[3] == "True")
    ticks = {(line[2], line[4]) for line in lines if line[0] == "claim"}
    ran = Counter(line[2] for line in lines if line[0] == "ran")
    assert {tick: won[tick] for tick in ticks} == {tick: 1 for tick in ticks}, lines   # one winner per tick
    names = {name for name, _ in ticks}
    assert {name: ran[name] for name in names} == {name: sum(1 for n, _ in ticks if n == name) for name in names}, ran
