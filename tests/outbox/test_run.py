"""The outbox: claim with a lease, retry with backoff, dead after N, reaped after a crash, exactly once."""
from datetime import timedelta

import pytest

from adapters.http import PlatformError
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.outbox import run as outbox


class FakeGateway:
    """Records each call; fails as told first (a list of PlatformErrors to raise, in order)."""

    def __init__(self, faults=()):
        self.calls, self.faults = [], list(faults)

    def __call__(self, shop):
        return self

    def perform(self, kind, payload, key, ledger=None, locks=None):
        self.calls.append((kind, key))
        self.ledger = ledger
        if self.faults:
            raise self.faults.pop(0)
        return {"ok": kind}


@pytest.fixture()
def action_id(rt, shops):
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        order = Order(shop_id=shop.id, order_id="1", currency="USD", placed_at=utcnow(), platform_updated_at=utcnow(),
                      tags=[], lines=[])
        session.add(order)
        session.flush()
        case = ReturnCase(shop_id=shop.id, order_pk=order.id, source="api", source_ref="k", request={})
        session.add(case)
        session.flush()
        decision = Decision(case_pk=case.id, policy_version_id=shop.policy_version_id, outcome="approved", document={})
        session.add(decision)
        session.flush()
        action = Action(shop_id=shop.id, decision_pk=decision.id, kind="order_note", payload={"order_id": "1"},
                        idempotency_key="returnkit-1-0-order_note")
        session.add(action)
    return action.id


def _action(rt, action_id) -> Action:
    with rt.sessions() as session:
        action = session.get(Action, action_id)
        action.attempt_log  # noqa: B018 - load before the session closes
        return action


def _make_due(rt, action_id, ago=timedelta(seconds=1)):
    with transaction(rt.sessions) as session:
        session.get(Action, action_id).next_attempt_at = utcnow() - ago


def test_success_is_recorded_once(rt, action_id):
    gateway = FakeGateway()
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"  # already done: no second call
    action = _action(rt, action_id)
    assert gateway.calls == [("order_note", "returnkit-1-0-order_note")]
    assert (action.attempts, [a.status for a in action.attempt_log], action.result) == (1, ["succeeded"], {"ok": "order_note"})


def test_a_retryable_failure_backs_off_then_succeeds(rt, action_id):
    gateway = FakeGateway([PlatformError("HTTP 503", 503, retryable=True)])
    assert outbox.run_action(rt, action_id, gateway) == "retrying"
    action = _action(rt, action_id)
    assert action.next_attempt_at > utcnow() + timedelta(seconds=10) and action.last_error == "HTTP 503"
    assert outbox.run_action(rt, action_id, gateway) == "retrying"  # not due yet: nothing is called
    assert len(gateway.calls) == 1
    _make_due(rt, action_id)
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert [a.status for a in _action(rt, action_id).attempt_log] == ["retryable", "succeeded"]


def test_retry_after_from_the_platform_wins_when_longer():
    assert outbox.backoff(1, retry_after=120) == timedelta(seconds=120)
    assert outbox.backoff(3) == timedelta(seconds=60) and outbox.backoff(20) == timedelta(hours=1)


def test_a_permanent_failure_is_dead_and_can_be_retried_by_hand(rt, action_id):
    gateway = FakeGateway([PlatformError("userErrors: order is archived")])
    assert outbox.run_action(rt, action_id, gateway) == "dead"
    with transaction(rt.sessions) as session:
        outbox.retry_by_hand(session, action_id)
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"


def test_too_many_attempts_is_dead(rt, action_id):
    gateway = FakeGateway([PlatformError("timeout", retryable=True)] * outbox.MAX_ATTEMPTS)
    states = []
    for _ in range(outbox.MAX_ATTEMPTS):
        _make_due(rt, action_id)
        states.append(outbox.run_action(rt, action_id, gateway))
    assert states[-1] == "dead" and set(states[:-1]) == {"retrying"}


def test_only_one_claim_wins(rt, action_id):
    now = utcnow()
    with transaction(rt.sessions) as session:
        assert outbox.claim(session, action_id, now) is True
    with transaction(rt.sessions) as session:
        assert outbox.claim(session, action_id, now) is False


def test_a_lease_left_by_a_killed_worker_is_reaped_and_the_action_runs_again(rt, action_id):
    _make_due(rt, action_id, ago=timedelta(hours=1))
    with transaction(rt.sessions) as session:  # a worker took it three minutes ago, then was killed
        assert outbox.claim(session, action_id, utcnow() - outbox.LEASE - timedelta(seconds=5))
    gateway = FakeGateway()
    assert outbox.run_action(rt, action_id, gateway) == "running"  # leased: nobody else may run it
    with transaction(rt.sessions) as session:
        assert outbox.reap(session, utcnow()) == [action_id]
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert [a.status for a in _action(rt, action_id).attempt_log] == ["lease-expired", "succeeded"]


def test_an_uninstalled_shop_gets_no_more_calls(rt, action_id, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).status = "uninstalled"
    gateway = FakeGateway()
    assert outbox.run_action(rt, action_id, gateway) == "dead"
    assert gateway.calls == []


def test_a_step_recorded_in_the_ledger_survives_a_failed_attempt(rt, action_id):
    class TwoSteps(FakeGateway):
        def perform(self, kind, payload, key, ledger=None, locks=None):
            self.calls.append(ledger.get("bought"))
            if ledger.get("bought") is None:
                ledger.record("bought", "shp_1")      # saved at once: the retry must not buy again
                raise PlatformError("answer lost", retryable=True)
            return {"label": ledger.get("bought")}

    gateway = TwoSteps()
    assert outbox.run_action(rt, action_id, gateway) == "retrying"
    with transaction(rt.sessions) as session:
        session.get(Action, action_id).next_attempt_at = utcnow()
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert gateway.calls == [None, "shp_1"]
    with rt.sessions() as session:
        assert session.get(Action, action_id).progress == {"bought": "shp_1"}
