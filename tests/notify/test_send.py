"""The message outbox: retried with backoff, dead after N, timeouts, a killed worker's lease, SMTP, no PII in logs."""
import logging
import smtplib
from datetime import timedelta

from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.notify_models import Message
from integration.db.request_models import ReturnCase
from integration.notify import transports
from integration.notify.announce import announce
from integration.notify.send import drain_messages, reap, send_message
from tests.notify.helpers import MAX_ATTEMPTS, add_case, add_endpoint_row

EMAIL = "jane.buyer@example.com"


def _one(rt, shop_id: int, channel: str) -> Message:
    with rt.sessions() as session:
        message = session.scalar(select(Message).where(Message.shop_id == shop_id, Message.channel == channel))
        message.attempt_log  # noqa: B018 - loaded before the session closes
        return message


def _announce(rt, case_id: int, event: str = "action.failed") -> None:   # a webhook, no email
    with transaction(rt.sessions) as session:
        announce(session, session.get(ReturnCase, case_id), event, {"action_id": 1, "money": "5.00",
                                                                    "currency": "USD"})


def _make_due(rt, message_id: int) -> None:
    with transaction(rt.sessions) as session:
        session.get(Message, message_id).next_attempt_at = utcnow() - timedelta(seconds=1)


def _webhook_waiting(rt, shops, receiver) -> int:
    """A shop whose endpoint (the receiver) has one delivery waiting; the shop's id."""
    shop_id = shops["woocommerce"].id
    add_endpoint_row(rt, shop_id, receiver.url, ["action.failed"])
    _announce(rt, add_case(rt, shop_id))
    return shop_id


def test_a_failing_endpoint_is_retried_with_backoff_and_dead_after_n(rt, shops, receiver):
    shop_id = _webhook_waiting(rt, shops, receiver)
    receiver.status = 503
    message_id = _one(rt, shop_id, "webhook").id
    assert send_message(rt, message_id) == "retrying"
    first = _one(rt, shop_id, "webhook")
    assert first.next_attempt_at >= utcnow() + timedelta(seconds=25) and first.response_code == 503
    assert send_message(rt, message_id) == "retrying" and len(receiver.received) == 1   # not due: not sent
    for _ in range(MAX_ATTEMPTS - 1):
        _make_due(rt, message_id)
        state = send_message(rt, message_id)
    assert state == "dead"
    dead = _one(rt, shop_id, "webhook")
    assert (dead.attempts, [a.response_code for a in dead.attempt_log]) == (MAX_ATTEMPTS, [503] * MAX_ATTEMPTS)
    assert len(receiver.received) == MAX_ATTEMPTS
    assert {headers["webhook-id"] for headers, _ in receiver.received} == {dead.dedupe_key}   # one id, every retry


def test_the_backoff_doubles_between_tries(rt, shops, receiver):
    shop_id = _webhook_waiting(rt, shops, receiver)
    receiver.status = 500
    message_id = _one(rt, shop_id, "webhook").id
    waits = []
    for _ in range(2):
        send_message(rt, message_id)
        waits.append((_one(rt, shop_id, "webhook").next_attempt_at - utcnow()).total_seconds())
        _make_due(rt, message_id)
    assert 25 < waits[0] <= 30 and 55 < waits[1] <= 60


def test_an_endpoint_that_does_not_answer_in_time_is_tried_again(rt, shops, receiver):
    shop_id = _webhook_waiting(rt, shops, receiver)
    receiver.delay = 1.5   # the runtime's timeout is 0.5 s
    assert drain_messages(rt, shop_id) == 1
    message = _one(rt, shop_id, "webhook")
    assert (message.state, message.last_error) == ("retrying", "no answer within 0.5 s")


def test_a_killed_workers_message_is_handed_back_and_sent_once(rt, shops, receiver):
    shop_id = _webhook_waiting(rt, shops, receiver)
    message_id = _one(rt, shop_id, "webhook").id
    with transaction(rt.sessions) as session:   # claimed by a worker that died before sending
        message = session.get(Message, message_id)
        message.state, message.lease_until, message.attempts = "running", utcnow() - timedelta(seconds=1), 1
    assert send_message(rt, message_id) == "running" and receiver.received == []
    with transaction(rt.sessions) as session:
        assert reap(session, utcnow()) == 1
    assert drain_messages(rt, shop_id) == 1 and drain_messages(rt, shop_id) == 0
    assert len(receiver.received) == 1 and _one(rt, shop_id, "webhook").state == "succeeded"


class FakeSMTP:
    """smtplib.SMTP as a server would answer: records each message, or raises the error it is given."""
    sent, error = [], None

    def __init__(self, host, port, timeout):
        self.where = (host, port, timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, mail):
        if FakeSMTP.error:
            raise FakeSMTP.error
        FakeSMTP.sent.append(mail)


def _smtp_runtime(rt):
    from dataclasses import replace
    from integration.runtime import Runtime
    return Runtime(replace(rt.settings, smtp_host="mail.test", smtp_from="Shop <shop@mail.test>"), rt.engine,
                   rt.sessions)


def test_with_a_mail_server_an_email_goes_once_by_smtp_and_its_failures_name_no_address(rt, shops, monkeypatch,
                                                                                        caplog):
    monkeypatch.setattr(transports.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "error", smtplib.SMTPRecipientsRefused({EMAIL: (550, b"no such user")}))
    smtp_rt, shop_id = _smtp_runtime(rt), shops["woocommerce"].id
    _announce(rt, add_case(rt, shop_id, ref="a"), "request.received")
    caplog.set_level(logging.DEBUG)
    assert drain_messages(smtp_rt, shop_id) == 1
    refused = _one(rt, shop_id, "email")
    assert refused.state == "dead" and EMAIL not in refused.last_error and EMAIL not in caplog.text
    FakeSMTP.error = smtplib.SMTPResponseException(421, b"try later")
    _announce(rt, add_case(rt, shop_id, ref="bb"), "request.received")
    drain_messages(smtp_rt, shop_id)
    FakeSMTP.error = None
    with rt.sessions() as session:
        later = session.scalars(select(Message).where(Message.state == "retrying")).one()
    assert later.last_error == "SMTP 421"
    _make_due(rt, later.id)
    assert drain_messages(smtp_rt, shop_id) == 1 and drain_messages(smtp_rt, shop_id) == 0
    assert [(m["To"], m["Message-ID"]) for m in FakeSMTP.sent] == [(EMAIL, f"<{later.dedupe_key}@returnkit>")]
    assert EMAIL not in caplog.text
