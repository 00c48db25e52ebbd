"""Chaos at CI size: a replay of signed deliveries while web and worker processes are SIGKILLed at random.

RETURNKIT_CHAOS_DELIVERIES sets the size (default 1,000; the refund run a fifth of it); `python -m bench.chaos` runs
10,000 (docs/reliability.md).
On PostgreSQL + Redis when TEST_DATABASE_URL and TEST_REDIS_URL are set, else on the embedded defaults."""
import os

import pytest

from bench.chaos import main

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

DELIVERIES = int(os.environ.get("RETURNKIT_CHAOS_DELIVERIES", "1000"))


def test_killing_web_and_worker_loses_nothing_and_duplicates_nothing():
    report = main(DELIVERIES, drain_seconds=300)
    orders = report["orders"]
    assert report["kills"]["web"] + report["kills"]["worker"] == report["planned_kills"] >= 2, report
    assert report["deliveries_by_status"] == {"processed": report["deliveries"]}, report
    assert (report["orders_stored"], report["requests"]) == (orders, orders), report
    assert report["requests_decided_twice"] == 0 and report["duplicate_actions"] == 0, report
    assert report["actions_by_state"] == {"succeeded": 2 * orders}, report
    assert report["duplicate_refunds"] == 0, report
    # Each return was declined once and noted once on its order, however often a worker died mid-action.
    assert report["platform_calls"].get("DeclineReturn") == orders, report


def test_refunds_issued_while_processes_are_killed_are_issued_once():
    # kinectr: each order delivered, its return declined, then a transit-damage claim approved and refunded.
    report = main(max(DELIVERIES // 5, 100), drain_seconds=300, policy="kinectr", claims=True)
    orders = report["orders"]
    assert report["kills"]["web"] + report["kills"]["worker"] == report["planned_kills"] >= 2, report
    assert report["deliveries_by_status"] == {"processed": report["deliveries"]}, report
    assert report["requests"] == 2 * orders and report["requests_decided_twice"] == 0, report
    assert report["actions_by_state"] == {"succeeded": 4 * orders} and report["duplicate_actions"] == 0, report
    assert report["refunds"] == orders and report["duplicate_refunds"] == 0, report
    assert report["orders_by_amount_refunded"] == {"22.50": orders}, report   # one tee each, never twice
