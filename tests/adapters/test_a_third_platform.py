"""A platform is one folder and one registry line: a third one, registered from the tests folder alone, takes a
delivery, a decision and its actions through every generic path (receiver, inbox, order picture, request API,
planner, outbox, sweep, subscriptions check, shop rules)."""
import json
from datetime import timedelta

import pytest

from adapters.registry import ADAPTERS
from integration.app import create_app
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action
from integration.inbox.process import process_delivery
from integration.inbox.sweep import sweep_shop
from integration.orders.production import production_signals
from integration.outbox.gateways import platform_gateway
from integration.outbox.run import run_action
from integration.policy.loader import resolve_policy_path
from integration.requests.customer_access import public_slug
from integration.shops.core import ShopError, add_shop, issue_api_key
from tests.adapters import fake_platform as fake
from tests.conftest import ClosingClient
from tests.fleet_helpers import seed_decision
from tests.helpers import NO_QUEUE

DOMAIN, SECRET = "kiln.fakeshop.test", "fake-secret"


@pytest.fixture()
def third(monkeypatch, rt):
    monkeypatch.setitem(ADAPTERS, fake.NAME, fake.ADAPTER)   # the one registry line
    fake.CALLS.clear()
    with transaction(rt.sessions) as session:
        shop = add_shop(session, platform=fake.NAME, domain="Kiln.FakeShop.test", webhook_secret=SECRET,
                        policy_text=resolve_policy_path("kinectr").read_text(), api_token="fk_token")
        key = issue_api_key(shop)
    deliveries, actions = [], []
    app = create_app({"TESTING": True}, rt=rt, enqueue=deliveries.append, enqueue_action=actions.append)
    app.test_client_class = ClosingClient
    return app.test_client(), shop.id, key, deliveries, actions


def _order(now) -> dict:
    return {"id": "F-1001", "number": "1001", "currency": "USD", "email": "buyer@example.com",
            "placed_at": (now - timedelta(days=9)).isoformat(), "updated_at": (now - timedelta(days=2)).isoformat(),
            "delivered_at": (now - timedelta(days=2)).isoformat(),
            "lines": [{"id": "1", "title": "Mug", "quantity": 1, "price": "20.00"}]}


def _post(client, body: dict, secret: str = SECRET, topic: str = "order/created"):
    raw = json.dumps(body).encode()
    headers = {"X-Fake-Topic": topic, "X-Fake-Shop": DOMAIN, "X-Fake-Delivery": "d-1",
               "X-Fake-Signature": fake.sign(raw, secret), "Content-Type": "application/json"}
    return client.post(f"/webhooks/{fake.NAME}", data=raw, headers=headers)


def test_a_delivery_a_decision_and_its_actions_on_a_third_platform(third, rt):
    client, shop_id, key, deliveries, actions = third
    assert _post(client, _order(utcnow()), secret="wrong").status_code == 401
    assert _post(client, _order(utcnow())).status_code == 200
    assert [process_delivery(rt, i, None, NO_QUEUE) for i in deliveries] == ["processed"]
    claim = {"type": "return", "reason": "damaged_in_transit", "items": [{"line_item_id": "1", "quantity": 1}],
             "evidence": {"photos": 2, "description": True}, "preferred_resolution": "refund",
             "submitted_at": utcnow().isoformat()}
    answer = client.post("/api/v1/requests", json={"shop": DOMAIN, "order_id": "F-1001", "request": claim},
                         headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 201, answer.json
    assert answer.json["decision"]["outcome"] == "approved"
    assert [run_action(rt, i, platform_gateway) for i in actions] == ["succeeded"] * len(actions)
    refunds = [fields for name, fields in fake.CALLS if name == "refund"]
    assert [(r["order"], r["amount"]) for r in refunds] == [("F-1001", "20.00")]
    assert {name for name, _ in fake.CALLS} == {"refund", "note"}


def test_the_generic_paths_ask_the_third_platform(third, rt):
    client, shop_id, _key, _deliveries, _actions = third
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop.domain == DOMAIN and public_slug(shop) == DOMAIN
        assert production_signals(shop) == ("workshop",)
        with pytest.raises(ShopError, match="consumer-key: FakeShop shops use --api-token"):
            add_shop(session, platform=fake.NAME, domain="b.fakeshop.test", webhook_secret="s",
                     policy_text=resolve_policy_path("kinectr").read_text(), consumer_key="ck", consumer_secret="cs")
        with pytest.raises(ShopError, match="is not a FakeShop shop"):
            add_shop(session, platform=fake.NAME, domain="b.example.com", webhook_secret="s",
                     policy_text=resolve_policy_path("kinectr").read_text())
    report = sweep_shop(rt, shop_id, enqueue_action=NO_QUEUE)
    assert (report.error, report.fetched) == (None, 0)
    assert _post(client, {"id": "p"}, topic="product/created").json["status"] == "ignored"


def test_an_action_the_third_platform_cannot_do_is_dead_with_its_words(third, rt):
    _client, shop_id, _key, _deliveries, _actions = third
    with transaction(rt.sessions) as session:
        decision = seed_decision(session, session.get(Shop, shop_id), "F-1", "api-1")
        action = Action(shop_id=shop_id, decision_pk=decision.id, kind="return_label", idempotency_key="k-1",
                        payload={"order_id": "F-1", "return_id": None, "lines": []})
        session.add(action)
        session.flush()
        action_id = action.id
    assert run_action(rt, action_id, platform_gateway) == "dead"
    with rt.sessions() as session:
        assert "FakeShop cannot send labels" in session.get(Action, action_id).last_error
