"""Where requests are taken and decided and where actions finish, the steps are announced, once."""
import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import ComplianceExport, Shop
from integration.db.notify_models import Announcement, Message
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.outbox import run as outbox
from integration.requests.decide import submit_request
from tests.notify.helpers import add_case
from tests.orders.test_picture import STORY, replay
from tests.outbox.test_run import FakeGateway

REQUEST = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "other",
           "items": [{"line_item_id": "9001", "quantity": 1}]}


def _announced(rt, shop_id: int) -> list[tuple[str, str]]:
    with rt.sessions() as session:
        return [(a.event, a.step_key) for a in session.scalars(
            select(Announcement).where(Announcement.shop_id == shop_id).order_by(Announcement.id))]


def _submit(rt, shop_id: int) -> tuple[int, str]:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.order_id == "5550001"))
        case, decision = submit_request(session, shop, order, REQUEST, "api", "wired-1")
        return case.id, decision.outcome


def test_a_request_taken_and_decided_is_announced_once_with_the_orders_address(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    case_id, outcome = _submit(rt, shop_id)
    assert _submit(rt, shop_id) == (case_id, outcome)   # the same request again: its first decision, no new step
    assert _announced(rt, shop_id) == [("request.received", ""), ("request.decided", outcome)]
    with rt.sessions() as session:
        received = session.scalar(select(Message).where(Message.shop_id == shop_id, Message.step == "received"))
        assert (received.state, received.recipient) == ("pending", "jane.buyer@example.com")
        assert "#1001" in received.subject


def _refund_action(rt, shop_id: int, method: str = "original_payment", kind: str = "refund") -> int:
    case_id = add_case(rt, shop_id)
    with transaction(rt.sessions) as session:
        case = session.get(ReturnCase, case_id)
        decision = Decision(case_pk=case.id, policy_version_id=shops_version(session, shop_id), outcome="approved",
                            document={})
        session.add(decision)
        session.flush()
        action = Action(shop_id=shop_id, decision_pk=decision.id, kind=kind, idempotency_key=f"rk-{case_id}",
                        payload={"order_id": "o-k", "amount": "25.00", "currency": "USD", "shipping": None,
                                 "lines": [], "method": method})
        session.add(action)
    return action.id


def shops_version(session, shop_id: int) -> int:
    return session.get(Shop, shop_id).policy_version_id


def test_a_refund_that_succeeded_announces_action_succeeded_and_refund_issued_once(rt, shops):
    shop_id = shops["woocommerce"].id
    action_id = _refund_action(rt, shop_id, method="store_credit")
    gateway = FakeGateway()
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"   # done: no second call, no second step
    key = str(action_id)
    assert _announced(rt, shop_id) == [("action.succeeded", key), ("refund.issued", key)]
    with rt.sessions() as session:
        refunded = session.scalar(select(Message).where(Message.step == "refunded"))
        issued = session.scalar(select(Announcement).where(Announcement.event == "refund.issued"))
    assert issued.data["credit"] == "25.00" and issued.data["money"] == "0"
    assert "Store credit: 25.00 USD" in refunded.body and "original payment" not in refunded.body


class MadeGateway(FakeGateway):
    """A gateway whose exchange or replacement order was made, or found out of stock."""

    def __init__(self, result: dict):
        super().__init__()
        self.made = result

    def perform(self, kind, payload, key, ledger, locks):
        super().perform(kind, payload, key, ledger, locks)
        return self.made


@pytest.mark.parametrize("kind", ["create_exchange", "create_replacement"])
def test_an_exchange_or_replacement_order_made_announces_exchange_shipped_once(rt, shops, kind):
    shop_id = shops["woocommerce"].id
    action_id = _refund_action(rt, shop_id, kind=kind)
    gateway = MadeGateway({"exchange_order": 77})
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert outbox.run_action(rt, action_id, gateway) == "succeeded"
    assert _announced(rt, shop_id) == [("action.succeeded", str(action_id)), ("exchange.shipped", str(action_id))]
    with rt.sessions() as session:
        assert len(list(session.scalars(select(Message).where(Message.step == "exchange_shipped")))) == 1


def test_an_exchange_out_of_stock_ships_nothing(rt, shops):
    shop_id = shops["woocommerce"].id
    action_id = _refund_action(rt, shop_id, kind="create_exchange")
    assert outbox.run_action(rt, action_id, MadeGateway({"out_of_stock": ["v-9"]})) == "succeeded"
    assert _announced(rt, shop_id) == [("action.succeeded", str(action_id))]


def test_an_action_that_died_announces_action_failed(rt, shops):
    from adapters.http import PlatformError
    shop_id = shops["woocommerce"].id
    action_id = _refund_action(rt, shop_id)
    assert outbox.run_action(rt, action_id, FakeGateway([PlatformError("HTTP 422", 422)])) == "dead"
    assert _announced(rt, shop_id) == [("action.failed", str(action_id))]


def test_a_redacted_customer_leaves_every_email_and_unsent_ones_never_go(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    shop_id = shops["shopify"].id
    _submit(rt, shop_id)
    replay(client, rt, queue, "shopify", ["customers_redact"])
    with rt.sessions() as session:
        emails = session.scalars(select(Message).where(Message.shop_id == shop_id, Message.channel == "email")).all()
        order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.order_id == "5550001"))
    assert order.customer_email is None
    assert emails and all(m.recipient is None and m.state in ("dead", "skipped") for m in emails)


def test_a_customers_data_request_lists_the_address_kept_for_their_emails(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY + ["customers_data_request"])
    with rt.sessions() as session:
        document = session.scalar(select(ComplianceExport.document))
    assert [o["email"] for o in document["orders"]] == ["jane.buyer@example.com"]
