"""Activity: orders with activity, an order's timeline in order, and retrying a dead action from the page."""
import re

import pytest
from sqlalchemy import select

from adapters.http import PlatformError
from integration.db.order_models import Order
from integration.db.request_models import Action
from integration.outbox.run import run_action
from tests.request_helpers import DEFECTIVE_HOODIE, latest, shopify_story, submit
from tests.web_helpers import csrf_from, sign_in


class Gateway:
    """Answers every action: fails for good on `refuse` kinds, succeeds on the rest."""

    def __init__(self, refuse=("order_note",)):
        self.refuse = refuse

    def __call__(self, shop):
        return self

    def perform(self, kind, payload, key, ledger=None, locks=None):
        if kind in self.refuse:
            raise PlatformError("422 order is archived", status=422)
        return {"ok": True, "kind": kind}


@pytest.fixture()
def story(client, rt, queue, shops):
    client.queued_actions = []
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    shopify_story(client, rt, queue)
    case_id = submit(rt, shops["shopify"].id, DEFECTIVE_HOODIE, "k1")
    for action_id in latest(rt, case_id)["action_ids"]:
        run_action(rt, action_id, Gateway())
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shops["shopify"].id, Order.order_id == "5550001"))
    return {"case": case_id, "order": order_pk, "actions": latest(rt, case_id)["action_ids"]}


def test_the_list_shows_orders_with_activity_and_finds_one_by_number(client, shops, story):
    sign_in(client, shops["shopify"].id)
    page = client.get("/app/activity/").get_data(as_text=True)
    assert f'/app/activity/orders/{story["order"]}' in page and "#1001" in page
    assert "#1001" in client.get("/app/activity/?q=%231001").get_data(as_text=True)
    assert "No order numbered 999" in client.get("/app/activity/?q=999").get_data(as_text=True)
    assert client.get("/app/activity/?page=2").status_code == 200


def test_the_timeline_shows_events_decisions_actions_and_attempts_in_order(client, shops, story):
    sign_in(client, shops["shopify"].id)
    page = client.get(f"/app/activity/orders/{story['order']}").get_data(as_text=True)
    kinds = re.findall(r'<li class="entry (\w+)"', page)
    assert kinds[0] == "webhook" and "<strong>Shopify: order created</strong> (handled)" in page
    first_request = kinds.index("request")
    assert kinds[first_request:first_request + 3] == ["request", "decision", "action"]
    assert kinds.count("attempt") == len(story["actions"]) and kinds[-1] == "attempt"
    assert "policy version 1" in page and "by the policy" in page
    assert ("<br>Why: Defective, damaged or incorrect items are replaced or refunded, with return shipping and the "
            "original shipping covered") in page and "our-error-claim" not in page
    assert "Items: Custom embroidered hoodie × 1" in page and "line 9002" not in page
    assert '<span class="state dead">failed for good</span>' in page
    assert "Last error: 422 order is archived" in page and "&#34;ok&#34;: true" in page
    # never a delivery's body or the customer's details
    assert "jane.buyer@example.com" not in page.lower() and "Jane Buyer" not in page


def test_retry_moves_a_dead_action_to_retrying_and_queues_it(client, rt, shops, story):
    dead = [a for a in story["actions"] if _state(rt, a) == "dead"]
    assert dead
    sign_in(client, shops["shopify"].id)
    page = client.get(f"/app/activity/orders/{story['order']}")
    response = client.post(f"/app/activity/actions/{dead[0]}/retry", data={"csrf_token": csrf_from(page.data)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/orders/{story['order']}")
    assert _state(rt, dead[0]) == "retrying" and client.queued_actions == [dead[0]]
    again = client.post(f"/app/activity/actions/{dead[0]}/retry", data={"csrf_token": csrf_from(page.data)})
    assert again.status_code == 303 and client.queued_actions == [dead[0]]   # not dead any more: nothing queued


def _state(rt, action_id):
    with rt.sessions() as session:
        return session.get(Action, action_id).state


def test_retry_needs_the_csrf_token(client, rt, shops, story):
    dead = [a for a in story["actions"] if _state(rt, a) == "dead"][0]
    sign_in(client, shops["shopify"].id)
    assert client.post(f"/app/activity/actions/{dead}/retry").status_code == 400
    assert _state(rt, dead) == "dead" and client.queued_actions == []


def test_another_shops_order_and_action_are_404_and_nothing_changes(client, rt, shops, story):
    dead = [a for a in story["actions"] if _state(rt, a) == "dead"][0]
    sign_in(client, shops["woocommerce"].id)
    token = csrf_from(client.get("/app/activity/").data)
    assert client.get(f"/app/activity/orders/{story['order']}").status_code == 404
    assert client.post(f"/app/activity/actions/{dead}/retry", data={"csrf_token": token}).status_code == 404
    assert _state(rt, dead) == "dead" and client.queued_actions == []
    assert "#1001" not in client.get("/app/activity/").get_data(as_text=True)


def test_a_refund_to_pay_by_hand_shows_its_amount_and_can_be_marked_paid_once(client, rt, shops, story):
    with rt.sessions() as session:
        refund = Action(shop_id=shops["shopify"].id, decision_pk=session.get(Action, story["actions"][0]).decision_pk,
                        kind="refund", payload={"order_id": "5550001", "amount": "45.00", "currency": "USD",
                                                "shipping": None, "lines": [["9001", 2]]},
                        idempotency_key="returnkit-x-refund", state="succeeded",
                        result={"refund": 9, "refund_by_hand": True})
        session.add(refund)
        session.commit()
        refund_id = refund.id
    sign_in(client, shops["shopify"].id)
    page = client.get(f"/app/activity/orders/{story['order']}")
    assert "Refund by hand: 45.00 USD" in page.get_data(as_text=True)
    response = client.post(f"/app/activity/actions/{refund_id}/paid", data={"csrf_token": csrf_from(page.data)})
    assert response.status_code == 303
    after = client.get(f"/app/activity/orders/{story['order']}").get_data(as_text=True)
    assert "Refund by hand: 45.00 USD" not in after and "Refunded by hand: 45.00 USD, marked paid" in after
    with rt.sessions() as session:
        paid_at = session.get(Action, refund_id).result["paid_by_hand"]
    client.post(f"/app/activity/actions/{refund_id}/paid", data={"csrf_token": csrf_from(page.data)})
    with rt.sessions() as session:
        assert session.get(Action, refund_id).result["paid_by_hand"] == paid_at   # once
    assert client.post(f"/app/activity/actions/{story['actions'][0]}/paid",
                       data={"csrf_token": csrf_from(page.data)}).status_code == 303   # not a refund: nothing changes


def test_another_shop_cannot_mark_a_refund_paid(client, rt, shops, story):
    sign_in(client, shops["woocommerce"].id)
    page = client.get("/app/activity/")
    assert client.post(f"/app/activity/actions/{story['actions'][0]}/paid",
                       data={"csrf_token": csrf_from(page.data)}).status_code == 404


def test_who_decided_reads_as_words_not_as_a_stored_key():
    from integration.merchant.timeline import decided_by_words
    assert [decided_by_words(w) for w in ("policy", "merchant:Robin (owner)", "inspection:Robin", "stock",
                                          "merchant:Shopify admin")] == [
        "the policy", "Robin (owner) on review", "the inspection by Robin",
        "the policy, the exchange being out of stock", "Shopify admin"]
