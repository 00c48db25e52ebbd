"""announce(): each step records one email and one webhook per subscribed endpoint, once, however often it runs."""
import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.notify_models import Announcement, Message
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.notify.announce import NO_ADDRESS, PLATFORM_SENDS, REDACTED, announce
from integration.notify.emails import save_settings
from integration.notify.events import WEBHOOK_EVENTS, UnknownEvent
from integration.notify.send import drain_messages
from tests.notify.helpers import add_case, add_endpoint_row, payloads

# Every event once, as the requests, the action runner and the parcel tracking announce them.
STEPS = [("request.received", {"type": "return"}),
         ("request.decided", {"decision_id": 1, "outcome": "needs_evidence", "link": "http://shop.test/r/x",
                              "evidence": ["photos"], "next_steps": ["Send photos."]}),
         ("request.decided", {"decision_id": 2, "outcome": "approved", "next_steps": ["Send the parcel."]}),
         ("return.in_transit", {"tracking_code": "EZ1"}),
         ("return.delivered", {"tracking_code": "EZ1"}),
         ("action.succeeded", {"action_id": 7, "kind": "refund"}),
         ("refund.issued", {"action_id": 7, "currency": "USD", "money": "30.00", "credit": "10.00"}),
         ("exchange.shipped", {"action_id": 8, "tracking": "1Z9"}),
         ("action.failed", {"action_id": 9, "kind": "order_note", "error": "HTTP 500"}),
         ("request.decided", {"decision_id": 3, "outcome": "denied", "reason": "too late"})]
EMAILS = ["received", "needs_evidence", "approved", "parcel_received", "refunded", "exchange_shipped", "denied"]
WEBHOOKS = ["request.decided", "request.decided", "return.delivered", "action.succeeded", "refund.issued",
            "action.failed", "request.decided"]


def _announce_all(rt, case_id: int, steps=STEPS) -> None:
    with transaction(rt.sessions) as session:
        case = session.get(ReturnCase, case_id)
        for event, data in steps:
            announce(session, case, event, data)


def _messages(rt, shop_id: int, channel: str) -> list[Message]:
    with rt.sessions() as session:
        return list(session.scalars(select(Message).where(Message.shop_id == shop_id, Message.channel == channel)
                                    .order_by(Message.id)))


def test_every_step_sends_one_email_and_one_signed_webhook_even_announced_and_drained_twice(rt, shops, receiver):
    shop_id = shops["woocommerce"].id
    _, secret = add_endpoint_row(rt, shop_id, receiver.url, list(WEBHOOK_EVENTS))
    case_id = add_case(rt, shop_id)
    _announce_all(rt, case_id)
    _announce_all(rt, case_id)   # a retried transaction, a replayed delivery: nothing new
    assert drain_messages(rt, shop_id) == len(EMAILS) + len(WEBHOOKS)
    assert drain_messages(rt, shop_id) == 0   # a second drain finds nothing due
    emails = _messages(rt, shop_id, "email")
    assert [m.step for m in emails] == EMAILS
    assert {(m.state, m.transport, m.recipient) for m in emails} == {("succeeded", "local", "jane.buyer@example.com")}
    received = payloads(receiver, secret)   # each verified with standardwebhooks.Webhook(secret).verify
    assert [p["type"] for p in received] == WEBHOOKS
    assert [p["data"]["outcome"] for p in received if p["type"] == "request.decided"] == [
        "needs_evidence", "approved", "denied"]
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == len(WEBHOOKS)
    assert all(p["data"]["request_id"] == case_id and "jane.buyer" not in str(p) for p in received)


def test_the_emails_carry_each_steps_facts(rt, shops):
    case_id = add_case(rt, shops["woocommerce"].id)
    _announce_all(rt, case_id)
    bodies = {m.step: m.body for m in _messages(rt, shops["woocommerce"].id, "email")}
    assert "Send it here: http://shop.test/r/x" in bodies["needs_evidence"]
    assert "Why: too late" in bodies["denied"] and "write to" in bodies["denied"]
    assert "Refunded to your original payment method: 30.00 USD" in bodies["refunded"]
    assert "Store credit: 10.00 USD" in bodies["refunded"]
    assert "Tracking: 1Z9" in bodies["exchange_shipped"]


def test_the_shopify_switch_skips_exactly_the_approved_and_declined_emails(rt, shops):
    shop_id = shops["shopify"].id
    on = add_case(rt, shop_id, ref="on")
    _announce_all(rt, on)   # on by default for a platform whose returns email the customer
    skipped = {m.step: m.last_error for m in _messages(rt, shop_id, "email") if m.state == "skipped"}
    assert skipped == {"approved": PLATFORM_SENDS, "denied": PLATFORM_SENDS}
    with transaction(rt.sessions) as session:
        save_settings(session.get(Shop, shop_id), {}, switch=False)
    off = add_case(rt, shop_id, ref="off")
    _announce_all(rt, off)
    with rt.sessions() as session:
        states = session.execute(select(Message.state).join(Announcement).where(
            Announcement.case_pk == off, Message.channel == "email")).scalars().all()
    assert states == ["pending"] * len(EMAILS)


def test_without_an_address_or_after_redaction_no_email_goes_and_the_row_says_why(rt, shops):
    shop_id = shops["woocommerce"].id
    _announce_all(rt, add_case(rt, shop_id, email=None, ref="none"), STEPS[:1])
    redacted = add_case(rt, shop_id, ref="gone")
    with transaction(rt.sessions) as session:
        order = session.get(Order, session.get(ReturnCase, redacted).order_pk)
        order.redacted_at = order.placed_at
    _announce_all(rt, redacted, STEPS[:1])
    assert [(m.state, m.last_error, m.recipient) for m in _messages(rt, shop_id, "email")] == [
        ("skipped", NO_ADDRESS, None), ("skipped", REDACTED, None)]
    assert drain_messages(rt, shop_id) == 0


def test_an_endpoint_gets_only_the_events_it_chose_and_only_its_own_shops(rt, shops, receiver):
    a, b = shops["woocommerce"].id, shops["shopify"].id
    _, secret = add_endpoint_row(rt, a, receiver.url, ["refund.issued"])
    _announce_all(rt, add_case(rt, b, ref="b"))   # shop B's steps: none reaches A's endpoint
    _announce_all(rt, add_case(rt, a, ref="a"))
    drain_messages(rt, a)
    drain_messages(rt, b)
    assert [p["type"] for p in payloads(receiver, secret)] == ["refund.issued"]
    assert [p["data"]["shop"] for p in payloads(receiver, secret)] == [shops["woocommerce"].domain]
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(Message.shop_id == b,
                                                                             Message.channel == "webhook")) == 0


def test_an_unknown_event_is_refused_naming_the_events(rt, shops):
    case_id = add_case(rt, shops["woocommerce"].id)
    with transaction(rt.sessions) as session, pytest.raises(UnknownEvent, match="request.received"):
        announce(session, session.get(ReturnCase, case_id), "request.exploded", {})
