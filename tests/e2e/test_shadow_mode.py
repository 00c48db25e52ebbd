"""Shadow mode end to end on Shopify: decisions and plans as usual, nothing reaches the emulator, no email, no
webhook; the switch to live on Home; the shadow report against refunds the merchant made in Shopify's admin."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.notify_models import Message, WebhookEndpoint
from integration.db.request_models import Action, ReturnCase
from integration.outbox.gateways import platform_gateway
from integration.outbox.run import run_action
from integration.shops.mode import SHADOW, SHADOW_REASON, SHADOWED, set_mode
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, served_shopify, use_policy
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import load_fixture, post
from tests.web_helpers import csrf_from, sign_in

CANCEL = {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"}


@pytest.fixture()
def shopify(rt, shops):
    """The Shopify emulator, and the test shop on it in shadow mode with an endpoint for outbound webhooks."""
    def in_shadow_with_an_endpoint(session, shop):
        set_mode(shop, SHADOW)
        session.add(WebhookEndpoint(shop_id=shop.id, url="https://hooks.example.com/returns", secret="whsec_x",
                                    events=["request.received", "request.decided"], active=True))
    with served_shopify(rt, shops["shopify"].id, in_shadow_with_an_endpoint) as emulator:
        yield emulator


def _actions(rt) -> list[Action]:
    with rt.sessions() as session:
        return list(session.scalars(select(Action).order_by(Action.id)))


def _merchant_refunds(client, refund_id: int, amount: str) -> None:
    """A refund the merchant made in Shopify's admin, arriving as refunds/create."""
    refund = load_fixture("shopify", "refunds_create")
    stamp = datetime.now(timezone.utc).isoformat()
    body = {**refund, "id": refund_id, "created_at": stamp, "processed_at": stamp,
            "transactions": [{**refund["transactions"][0], "id": refund_id, "amount": amount, "created_at": stamp}]}
    assert post(client, "shopify", "refunds/create", body).status_code == 200


def test_shadowed_actions_never_reach_the_platform_nor_the_customer(client, rt, queue, shops, shopify):
    shopify.state.add_return("2220002")
    replay(client, rt, queue, "shopify", STORY + ["returns_request__tee_unwanted"])
    actions = _actions(rt)
    assert [a.kind for a in actions] == ["decline_return", "order_note"]
    assert {a.state for a in actions} == {SHADOWED}
    assert drain(rt) == []                                     # nothing is due
    assert [run_action(rt, a.id, platform_gateway) for a in actions] == [SHADOWED, SHADOWED]
    assert seen(shopify) == []
    assert shopify.state.returns["gid://shopify/Return/2220002"]["status"] == "REQUESTED"
    sign_in(client, shops["shopify"].id)
    with rt.sessions() as session:
        order_pk = session.scalar(select(ReturnCase.order_pk))
    timeline = client.get(f"/app/activity/orders/{order_pk}").data.decode()
    assert "would have: decline the return" in timeline and "not sent (shadow mode)" in timeline
    with rt.sessions() as session:
        messages = list(session.scalars(select(Message)))
    assert {m.channel for m in messages} == {"email", "webhook"}
    assert {m.state for m in messages} == {"skipped"}                 # neither email nor webhook goes out
    assert {m.last_error for m in messages if m.channel == "webhook"} == {SHADOW_REASON}
    assert SHADOW_REASON in {m.last_error for m in messages if m.channel == "email"}


def test_an_action_planned_in_shadow_is_kept_even_if_it_was_queued_as_pending(client, rt, queue, shops, shopify):
    """The run-time check: whatever planned it, an action of a shop in shadow is never sent."""
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    api_request(client, rt, shops, CANCEL)
    with transaction(rt.sessions) as session:
        action = session.scalar(select(Action))
        action.state = "pending"
    assert drain(rt) == [SHADOWED]
    assert seen(shopify) == [] and not shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["cancelled"]
    with rt.sessions() as session:
        assert session.scalar(select(Action.attempts)) == 0


def test_switching_to_live_acts_on_new_decisions_only(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    api_request(client, rt, shops, CANCEL)
    sign_in(client, shops["shopify"].id)
    home = client.get("/app/")
    page = home.data.decode()
    assert "Shadow mode" in page and "would have: cancel the order, refunding 114.55 USD" in page
    assert client.post("/app/shadow/live", data={}).status_code == 400           # no CSRF token, no switch
    switched = client.post("/app/shadow/live", data={"csrf_token": csrf_from(home.data)}, follow_redirects=True)
    assert "returnkit is live" in switched.data.decode() and "Switch to live" not in switched.data.decode()
    assert "stay unsent" in switched.data.decode()
    with rt.sessions() as session:
        assert session.get(Shop, shops["shopify"].id).settings["mode"] == "live"
    assert drain(rt) == [] and seen(shopify) == []              # shadowed before the switch: never sent
    response, _ = api_request(client, rt, shops, {**CANCEL, "submitted_at": "2026-05-01T11:05:00-06:00"})
    assert response.status_code in (200, 201)
    states = [(a.kind, a.state) for a in _actions(rt)]
    assert states[:2] == [("cancel_order", SHADOWED), ("order_note", SHADOWED)]
    assert states[2:] and {state for _, state in states[2:]} == {"pending"}   # the new decision acts
    assert set(drain(rt)) == {"succeeded"} and seen(shopify)
    assert [a.state for a in _actions(rt)][:2] == [SHADOWED, SHADOWED]


def test_the_shadow_report_compares_with_refunds_made_in_shopify_admin(client, rt, queue, shops, shopify):
    shopify.state.add_return("2220002")
    replay(client, rt, queue, "shopify", STORY + ["returns_request__tee_unwanted"])   # returnkit: decline
    _merchant_refunds(client, 3330010, "23.15")                                       # the merchant refunded
    replay(client, rt, queue, "shopify", [])
    sign_in(client, shops["shopify"].id)
    page = client.get("/app/shadow/").data.decode()
    assert "decline the return; add a note to the order" in page
    assert "refunded 23.15 USD" in page
    assert "the merchant did something returnkit would not" in page
    assert 'id="verdict-merchant_only"><span class="figure">1</span>' in page
    assert seen(shopify) == []


def test_the_report_says_when_returnkit_would_have_refunded_more(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    api_request(client, rt, shops, CANCEL)                   # returnkit: cancel, refunding 114.55
    _merchant_refunds(client, 3330011, "50.00")
    replay(client, rt, queue, "shopify", [])
    sign_in(client, shops["shopify"].id)
    page = client.get("/app/shadow/").data.decode()
    assert "cancel the order, refunding 114.55 USD" in page and "refunded 50.00 USD" in page
    assert 'id="verdict-more"><span class="figure">1</span>' in page
    assert 'id="verdict-agreed"><span class="figure">0</span>' in page
