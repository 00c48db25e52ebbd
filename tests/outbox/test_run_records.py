"""What the outbox records of each run: the attempt's answer, a rate limit's wait (no attempt spent), the backoff,
a by-hand retry, the reaper's hand-back, and an erased customer's actions (theirs only)."""
import dataclasses
import json
from datetime import timedelta

import pytest

from adapters.http import PlatformError
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.order_models import Order
from integration.db.request_models import Action, ActionAttempt, Decision, ReturnCase
from integration.observability.metrics import ACTIONS
from integration.outbox import run as outbox
from tests.outbox.test_drain import _actions
from tests.outbox.test_run import FakeGateway, _action, _make_due, action_id  # noqa: F401  (the fixture)


class Answers(FakeGateway):
    """Answers each call with the next of `answers`."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)

    def perform(self, kind, payload, key, ledger=None, locks=None):
        super().perform(kind, payload, key, ledger, locks)
        return self.answers.pop(0)


def _waits(rt, action_id) -> float:
    return (_action(rt, action_id).next_attempt_at - utcnow()).total_seconds()


def test_each_attempt_keeps_its_answer_as_json_cut_at_2000_characters(rt, action_id):
    assert outbox.run_action(rt, action_id, FakeGateway([PlatformError("HTTP 503", 503, retryable=True)])) == "retrying"
    _make_due(rt, action_id)
    long = {"amount": "1.50", "text": "x" * 3000}
    assert outbox.run_action(rt, action_id, Answers(long)) == "succeeded"
    failed, done = _action(rt, action_id).attempt_log
    assert (failed.status, failed.response, failed.finished_at is not None) == ("retryable", '"HTTP 503"', True)
    assert done.response == json.dumps({"amount": "1.50", "text": "x" * 3000})[:2000] and len(done.response) == 2000
    assert done.finished_at >= done.started_at and _action(rt, action_id).result["text"] == "x" * 3000


def test_a_rate_limit_spends_no_attempt_and_waits_what_it_was_told(rt, action_id):
    limited = PlatformError("throttled", 429, retryable=True, retry_after=30, throttled=True)
    assert outbox.run_action(rt, action_id, FakeGateway([limited])) == "retrying"
    assert _action(rt, action_id).attempts == 0 and 28 < _waits(rt, action_id) <= 30
    _make_due(rt, action_id)
    untold = PlatformError("throttled", 429, retryable=True, throttled=True)
    assert outbox.run_action(rt, action_id, FakeGateway([untold])) == "retrying"
    assert _action(rt, action_id).attempts == 0 and 0 < _waits(rt, action_id) <= 1


def test_a_retry_waits_the_runtimes_backoff_or_the_platforms_longer_retry_after(rt, action_id, monkeypatch):
    monkeypatch.setattr(rt, "settings", dataclasses.replace(rt.settings, action_backoff_seconds=100.0))
    assert outbox.run_action(rt, action_id, FakeGateway([PlatformError("503", 503, retryable=True)])) == "retrying"
    assert 98 < _waits(rt, action_id) <= 100
    _make_due(rt, action_id)
    told = PlatformError("503", 503, retryable=True, retry_after=900)
    assert outbox.run_action(rt, action_id, FakeGateway([told])) == "retrying"
    assert 898 < _waits(rt, action_id) <= 900 and _action(rt, action_id).attempts == 2


def test_a_dead_action_retried_by_hand_starts_its_attempts_again(rt, action_id):
    assert outbox.run_action(rt, action_id, FakeGateway([PlatformError("refused")])) == "dead"
    with transaction(rt.sessions) as session:
        outbox.retry_by_hand(session, action_id)
    action = _action(rt, action_id)
    assert (action.state, action.attempts) == ("retrying", 0) and _waits(rt, action_id) <= 0


def test_a_run_is_counted_by_kind_and_state(rt, action_id):
    before = ACTIONS.labels("order_note", "succeeded")._value.get()
    outbox.run_action(rt, action_id, FakeGateway())
    assert ACTIONS.labels("order_note", "succeeded")._value.get() == before + 1


def test_the_reaper_hands_back_only_running_actions_whose_lease_has_passed(rt, shops):
    now = utcnow()
    ids = _actions(rt, shops["shopify"].id, [("running", timedelta(hours=-1))] * 3 + [("pending", timedelta(hours=-1)),
                                                                                     ("pending", timedelta(hours=1))])
    with transaction(rt.sessions) as session:
        for action_id, lease in zip(ids, (timedelta(seconds=-1), timedelta(0), timedelta(seconds=30), None)):
            session.get(Action, action_id).lease_until = now + lease if lease is not None else now - timedelta(hours=1)
    with transaction(rt.sessions) as session:
        due = outbox.reap(session, now)
    states = [_action(rt, i).state for i in ids]
    assert states == ["retrying", "running", "running", "pending", "pending"] and due == [ids[0], ids[3]]
    [attempt] = _action(rt, ids[0]).attempt_log
    assert (attempt.status, attempt.started_at, attempt.finished_at) == ("lease-expired", attempt.finished_at, now)
    assert _action(rt, ids[0]).next_attempt_at == now and _action(rt, ids[0]).lease_until is None


def test_only_the_erased_customers_actions_are_dead(rt, shops):
    erased, kept = _actions(rt, shops["shopify"].id, [("pending", timedelta(seconds=-1))]), \
        _actions(rt, shops["shopify"].id, [("pending", timedelta(seconds=-1))])
    with transaction(rt.sessions) as session:   # customers/redact erased the first action's order
        decision = session.get(Decision, session.get(Action, erased[0]).decision_pk)
        session.get(Order, session.get(ReturnCase, decision.case_pk).order_pk).redacted_at = utcnow()
    assert outbox.run_action(rt, erased[0], FakeGateway()) == "dead"
    assert _action(rt, erased[0]).last_error == outbox.REDACTED_ERROR
    assert outbox.run_action(rt, kept[0], FakeGateway()) == "succeeded"


@pytest.mark.parametrize("state", ["succeeded", "dead"])
def test_a_finished_action_is_not_claimed_again(rt, action_id, state):
    with transaction(rt.sessions) as session:
        session.get(Action, action_id).state = state
        session.add(ActionAttempt(action_pk=action_id, started_at=utcnow(), finished_at=utcnow(), status=state))
    gateway = FakeGateway()
    assert outbox.run_action(rt, action_id, gateway) == state and gateway.calls == []
