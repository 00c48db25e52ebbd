"""Duplicate deliveries (1 to 5 times, concurrent, out of order) give one decision and one set of actions."""
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from integration.db.request_models import Action, Decision, ReturnCase
from integration.inbox.process import process_delivery
from integration.orders.picture import OrderNotYetKnown
from tests.orders.test_picture import STORY, FakeProducts, replay
from tests.webhook_helpers import post_fixture


def _process_until_done(rt, delivery_id):
    for _ in range(10):  # what Huey's retries do
        try:
            return process_delivery(rt, delivery_id, FakeProducts(), lambda _id: None)
        except (OrderNotYetKnown, IntegrityError):
            continue
    return "gave up"


@pytest.mark.parametrize("copies", [1, 2, 5])
def test_the_same_return_delivered_many_times_is_decided_once(client, rt, queue, shops, copies):
    replay(client, rt, queue, "shopify", STORY)
    for n in range(copies):
        # Some copies are the same delivery retried (same webhook id), others separate subscriptions.
        post_fixture(client, "shopify", "returns_request__tee_unwanted",
                     X_Shopify_Webhook_Id=f"dup-{n % 2}", X_Shopify_Triggered_At="2026-05-12T10:00:00-06:00")
    ids = list(queue)
    random.Random(copies).shuffle(ids)
    queue.clear()
    with ThreadPoolExecutor(len(ids)) as pool:
        statuses = list(pool.map(lambda i: _process_until_done(rt, i), ids))
    # A retry is stored once; each separate delivery is stored, and all but one are left unapplied (same version).
    assert sorted(statuses) == ["ignored"] * (min(copies, 2) - 1) + ["processed"]
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReturnCase)) == 1
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        assert sorted(session.scalars(select(Action.kind))) == ["decline_return", "order_note"]
