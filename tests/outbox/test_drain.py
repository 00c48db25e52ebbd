"""Per-shop drains: the shop's due actions oldest first, bounded by count and by time, and what is left due."""
import itertools
import time
from datetime import timedelta

import pytest

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.outbox.drain import drain_shop, due_action_ids, shops_with_due_actions
from tests.outbox.test_run import FakeGateway


_batches = itertools.count(1)


def _actions(rt, shop_id: int, states: list[tuple[str, timedelta]]) -> list[int]:
    """One action per (state, how far from now it is due), on a new decision of the shop."""
    batch = next(_batches)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        order = Order(shop_id=shop.id, order_id=f"d{batch}", currency="USD", placed_at=utcnow(),
                      platform_updated_at=utcnow(), tags=[], lines=[])
        session.add(order)
        session.flush()
        case = ReturnCase(shop_id=shop.id, order_pk=order.id, source="api", source_ref=f"d{batch}", request={})
        session.add(case)
        session.flush()
        decision = Decision(case_pk=case.id, policy_version_id=shop.policy_version_id, outcome="approved", document={})
        session.add(decision)
        session.flush()
        actions = [Action(shop_id=shop.id, decision_pk=decision.id, kind="order_note", payload={"order_id": "1"},
                          idempotency_key=f"returnkit-{batch}-{n}-order_note", state=state,
                          next_attempt_at=utcnow() + due_in) for n, (state, due_in) in enumerate(states)]
        session.add_all(actions)
        session.flush()
        return [a.id for a in actions]


NOW, LATER = timedelta(seconds=-1), timedelta(hours=1)


@pytest.fixture()
def shop_id(shops):
    return shops["shopify"].id


def test_due_actions_are_the_pending_and_retrying_ones_whose_time_has_come_oldest_first(rt, shop_id):
    ids = _actions(rt, shop_id, [("retrying", NOW), ("pending", NOW), ("succeeded", NOW), ("dead", NOW),
                                 ("running", NOW), ("retrying", LATER), ("pending", NOW)])
    with rt.sessions() as session:
        assert due_action_ids(session, shop_id, utcnow(), 10) == [ids[0], ids[1], ids[6]]
        assert due_action_ids(session, shop_id, utcnow(), 2) == [ids[0], ids[1]]
        assert due_action_ids(session, shop_id + 1, utcnow(), 10) == []   # another shop's are not this one's


def test_shops_with_due_actions_are_each_named_once_in_order(rt, shops):
    woo, shopify = shops["woocommerce"].id, shops["shopify"].id
    _actions(rt, woo, [("pending", NOW), ("retrying", NOW)])
    _actions(rt, shopify, [("retrying", LATER), ("succeeded", NOW)])
    with rt.sessions() as session:
        assert shops_with_due_actions(session, utcnow()) == [woo]
    _actions(rt, shopify, [("pending", NOW)])
    with rt.sessions() as session:
        assert shops_with_due_actions(session, utcnow()) == sorted([woo, shopify])


def test_a_drain_runs_at_most_max_actions_and_says_more_are_due(rt, shop_id):
    ids = _actions(rt, shop_id, [("pending", NOW)] * 3 + [("retrying", LATER)])
    gateway = FakeGateway()
    first = drain_shop(rt, shop_id, gateway, max_actions=2, max_seconds=60)
    assert (first.ran, first.more_due, first.next_due_at) == (2, True, None)
    with rt.sessions() as session:
        keys = [session.get(Action, i).idempotency_key for i in ids[:2]]
    assert [key for _, key in gateway.calls] == keys   # the oldest first
    second = drain_shop(rt, shop_id, gateway, max_actions=10, max_seconds=60)
    assert (second.ran, second.more_due) == (1, False)
    with rt.sessions() as session:
        waiting = session.get(Action, ids[3]).next_attempt_at
    assert second.next_due_at == waiting   # the retry still waiting out its backoff


def test_a_drain_takes_its_due_actions_in_batches_up_to_max_actions(rt, shops, shop_id):
    _actions(rt, shop_id, [("pending", NOW)] * 23)
    _actions(rt, shops["woocommerce"].id, [("retrying", timedelta(minutes=5))])   # another shop's, due sooner
    _actions(rt, shop_id, [("retrying", LATER)])
    report = drain_shop(rt, shop_id, FakeGateway(), max_actions=21, max_seconds=60)
    assert (report.ran, report.more_due) == (21, True)
    last = drain_shop(rt, shop_id, FakeGateway(), max_actions=21, max_seconds=60)
    assert (last.ran, last.more_due) == (2, False) and last.next_due_at > utcnow() + timedelta(minutes=50)


def test_a_drain_stops_when_its_time_is_up_even_inside_a_batch(rt, shop_id):
    _actions(rt, shop_id, [("pending", NOW)] * 3)

    class Slow(FakeGateway):
        def perform(self, *args, **kwargs):
            time.sleep(0.3)
            return super().perform(*args, **kwargs)

    report = drain_shop(rt, shop_id, Slow(), max_actions=10, max_seconds=0.2)
    assert (report.ran, report.more_due) == (1, True)


def test_a_drain_of_a_shop_with_nothing_due_runs_nothing(rt, shop_id):
    report = drain_shop(rt, shop_id, FakeGateway(), max_actions=10, max_seconds=60)
    assert (report.ran, report.more_due, report.next_due_at) == (0, False, None)
