"""End to end on WooCommerce: requests in, the exact REST calls seen by the emulator out, never twice."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action
from tests.e2e.test_shopify_actions import drain
from tests.emulators.server import Served
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.orders.test_picture import replay
from tests.webhook_helpers import load_fixture

ORDER = "1201"
STORY = ["product_created", "product_created__custom_bracket", "order_created", "order_updated__shipped",
         "order_updated__delivered"]


@pytest.fixture()
def woo(rt, shops):
    emulator = WooCommerceEmulator()
    served = Served(emulator.app)
    emulator.add_order(load_fixture("woocommerce", "order_updated__delivered"))
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["woocommerce"].id)
        shop.api_base_url, shop.consumer_key, shop.consumer_secret = served.url, "ck_test", "cs_test"
    yield emulator
    served.stop()


def ask(client, rt, shops, request):
    from integration.shops.core import issue_api_key
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["woocommerce"].id))
    body = {"shop": "https://woo-demo.example.com", "order_id": ORDER, "request": request}
    return client.post("/api/v1/requests", json=body, headers={"Authorization": f"Bearer {key}"})


DAMAGED = {"type": "return", "submitted_at": "2026-05-11T10:00:00-05:00", "reason": "damaged_in_transit",
           "items": [{"line_item_id": "42", "quantity": 1}], "evidence": {"photos": 2, "description": True},
           "preferred_resolution": "refund"}


def _refund_calls(woo):
    return [c for c in woo.calls if c[0] == "POST" and c[1].endswith("/refunds")]


def _make_due(rt):
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.state == "retrying")):
            action.next_attempt_at = utcnow() - timedelta(seconds=1)


def test_an_approved_damage_claim_refunds_with_our_marker_and_an_explicit_api_refund(client, rt, queue, shops, woo):
    replay(client, rt, queue, "woocommerce", STORY)      # kinectr: damaged on arrival, within 7 days
    decision = ask(client, rt, shops, DAMAGED).json["decision"]
    assert (decision["outcome"], decision["resolution"], decision["refund"]["timing"]) == ("approved", "refund", "on_approval")
    assert drain(rt) == ["succeeded", "succeeded"]
    [(_, path, body)] = _refund_calls(woo)
    assert path == f"orders/{ORDER}/refunds" and body["api_refund"] is True and "[returnkit-" in body["reason"]
    assert body["amount"] == decision["refund"]["total"] and body["api_restock"] is False
    [refund] = woo.refunds[ORDER]   # what the store kept: line 42's one unit, its 12.00, nothing back on sale
    lines = [(li["meta_data"][0]["value"], li["quantity"], li["total"]) for li in refund["line_items"]]
    assert lines == [("42", -1, "-12.00")]
    assert (refund["amount"], refund["refunded_payment"], woo.restocked) == (decision["refund"]["total"], True, [])
    notes = woo.notes[ORDER]
    assert len(notes) == 1 and notes[0]["customer_note"] is False and "returnkit: approved" in notes[0]["note"]


def test_a_refund_created_but_answered_with_500_is_not_made_twice(client, rt, queue, shops, woo):
    replay(client, rt, queue, "woocommerce", STORY)
    ask(client, rt, shops, DAMAGED)
    woo.faults.append("lost")
    assert drain(rt) == ["retrying", "succeeded"]
    _make_due(rt)
    assert drain(rt) == ["succeeded"]
    assert len(woo.refunds[ORDER]) == 1 and len(_refund_calls(woo)) == 1


def test_a_denied_request_writes_a_note_the_customer_sees(client, rt, queue, shops, woo):
    replay(client, rt, queue, "woocommerce", STORY)
    decision = ask(client, rt, shops, {**DAMAGED, "reason": "changed_mind"}).json["decision"]
    assert decision["outcome"] == "denied"
    drain(rt)
    customer, private = woo.notes[ORDER]
    assert (customer["customer_note"], private["customer_note"]) == (True, False)
    assert "Custom items that meet design specifications" in customer["note"]


def test_429_is_retried_after_the_platforms_retry_after(client, rt, queue, shops, woo):
    replay(client, rt, queue, "woocommerce", STORY)
    ask(client, rt, shops, {**DAMAGED, "reason": "changed_mind"})
    woo.faults.append("429")
    drain(rt)
    with rt.sessions() as session:
        waiting = session.scalars(select(Action).where(Action.state == "retrying")).one()
        assert waiting.next_attempt_at - utcnow() > timedelta(seconds=6)


def test_wrong_keys_are_a_permanent_failure(client, rt, queue, shops, woo):
    woo.secret = "cs_other"
    replay(client, rt, queue, "woocommerce", STORY)
    ask(client, rt, shops, {**DAMAGED, "reason": "changed_mind"})
    assert set(drain(rt)) == {"dead"}
