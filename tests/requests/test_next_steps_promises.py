"""The customer is promised only what the shop's set-up delivers: a label only with labels set up, an email only
when emails really go out (a mail server, an address), else "check this page"."""
from types import SimpleNamespace

import pytest

from integration.db.request_models import ReturnCase
from integration.requests.next_steps import next_steps
from integration.runtime import SETTINGS_INFO
from integration.settings import load_settings

ADDRESS = {"name": "Returns desk", "street1": "1 Main St", "city": "Austin", "zip": "78701", "country": "US"}
APPROVED = {"outcome": "approved", "resolution": "refund", "return_required": True,
            "deadline": "2026-12-20T23:59:59+00:00", "refund": {"total": "0.00", "currency": "USD"}}


def shop(address=True, easypost=False):
    return SimpleNamespace(settings={"return_address": ADDRESS} if address else {},
                           easypost_api_key="EZAK_x" if easypost else None)


def row(document, label=False):
    actions = [SimpleNamespace(kind="return_label", state="succeeded", result={"label_url": "https://l/1.pdf"},
                               payload={})] if label else []
    return SimpleNamespace(document=document, actions=actions)


def steps(the_shop, document, label=False, order=None, case=None):
    return next_steps(the_shop, order, case, row(document, label))["steps"]


MERCHANT_PAYS = {**APPROVED, "return_shipping_paid_by": "merchant"}
CUSTOMER_PAYS = {**APPROVED, "return_shipping_paid_by": "customer"}


def test_a_bought_label_is_printed_from_the_page():
    assert steps(shop(easypost=True), MERCHANT_PAYS, label=True) == [
        "Print the prepaid return label below, stick it on the parcel and drop it off."]


def test_a_label_is_promised_only_when_the_shops_labels_are_ready():
    ready = steps(shop(easypost=True), MERCHANT_PAYS)
    assert ready == ["The shop pays for the return: your prepaid label is being prepared and will appear on your "
                     "request page."]
    for unready in (shop(easypost=False), shop(address=False, easypost=True)):
        told = " ".join(steps(unready, MERCHANT_PAYS))
        assert "label" not in told and "email" not in told and "wait for its instructions" in told


def test_without_labels_the_customer_is_told_the_return_address():
    assert steps(shop(), MERCHANT_PAYS) == ["The shop pays for the return: wait for its instructions before sending "
                                            "the item(s) back to Returns desk, 1 Main St, Austin, 78701, US."]
    assert steps(shop(address=False), MERCHANT_PAYS) == [
        "The shop pays for the return: wait for its instructions before sending the item(s) back."]


def test_the_customer_who_pays_gets_the_address_or_is_sent_back_to_this_page_for_it():
    assert steps(shop(), CUSTOMER_PAYS) == ["Send the item(s) to Returns desk, 1 Main St, Austin, 78701, US, at your "
                                            "own cost, with your order number inside the parcel, by Sunday 20 December."]
    told = steps(shop(address=False), CUSTOMER_PAYS)[0]
    assert told.startswith("The shop has not given its return address yet: come back to your request page")
    assert "email" not in told and told.endswith("by Sunday 20 December.")   # the shop's words for a date, never ISO


@pytest.fixture()
def case_in(rt):
    """A request in a session of a runtime with (or without) a mail server."""
    opened = []

    def make(smtp_host: str):
        session = rt.sessions(info={SETTINGS_INFO: load_settings({"RETURNKIT_SMTP_HOST": smtp_host})})
        opened.append(session)
        case = ReturnCase(shop_id=1, order_pk=1, source="api", source_ref="x", request={})
        session.add(case)
        return case
    yield make
    for session in opened:
        session.close()


@pytest.mark.parametrize("smtp_host, email, by_email", [
    ("smtp.example.com", "ada@example.com", True),
    ("", "ada@example.com", False),             # the local outbox reaches no customer
    ("smtp.example.com", None, False),          # no address to write to
])
def test_review_promises_an_email_only_when_one_can_reach_the_customer(case_in, smtp_host, email, by_email):
    told = steps(shop(), {"outcome": "needs_review"}, order=SimpleNamespace(customer_email=email),
                 case=case_in(smtp_host))
    assert told == (["The shop will look at your request itself and answer you by email."] if by_email
                    else ["The shop will look at your request itself: check this page for its answer."])


def test_review_without_a_session_promises_no_email():
    assert "email" not in steps(shop(), {"outcome": "needs_review"})[0]
