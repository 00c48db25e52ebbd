"""The notifications page: texts with a preview, the outbox, endpoints (secret shown once), send test, the log."""
import re

import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.notify_models import Message, WebhookEndpoint
from integration.db.request_models import ReturnCase
from integration.notify.announce import announce
from integration.notify.endpoints import EndpointError, check_url
from tests.notify.helpers import add_case, payloads
from tests.web_helpers import csrf_from, sign_in

PAGE = "/app/notifications/"


def _post(client, path: str, data: dict):
    token = csrf_from(client.get(PAGE).data)
    return client.post(path, data={"csrf_token": token, **data})


def test_the_page_shows_each_steps_text_and_a_preview_of_an_unsaved_change(client, shops):
    sign_in(client, shops["shopify"].id)
    page = client.get(PAGE).get_data(as_text=True)
    assert "We received your request about order" in page
    assert "Shopify already emails the customer about approved and declined returns" in page
    preview = _post(client, "/app/notifications/texts", {"preview": "1", "subject-received": "Got it: {order}"})
    assert preview.status_code == 200 and "Got it: #1001" in preview.get_data(as_text=True)
    assert "Got it" not in client.get(PAGE).get_data(as_text=True)   # a preview saves nothing


def test_saving_texts_and_the_switch_changes_the_next_email(client, rt, shops):
    shop_id = shops["shopify"].id
    sign_in(client, shop_id)
    saved = _post(client, "/app/notifications/texts", {"subject-received": "Got it: {order} at {shop}"})
    assert saved.status_code == 303
    decided, received = add_case(rt, shop_id), add_case(rt, shop_id, ref="b")
    with transaction(rt.sessions) as session:
        announce(session, session.get(ReturnCase, decided), "request.decided", {"outcome": "approved"})
        announce(session, session.get(ReturnCase, received), "request.received", {})
    with rt.sessions() as session:
        states = {m.step: (m.state, m.subject) for m in session.scalars(select(Message))}
    # no `platform_emails_decisions` in the form: the switch is off, and the approval email goes
    # {shop} is the shop's name as its customers know it (its branding's, else from its domain), not the domain.
    assert states["approved"][0] == "pending" and states["received"][1] == "Got it: #101 at Kaolate Demo"
    bad = _post(client, "/app/notifications/texts", {"subject-denied": "x" * 201})
    assert bad.status_code == 422 and "subject-denied: one line of at most 200 characters" in bad.get_data(as_text=True)


def test_an_endpoint_is_added_with_its_secret_shown_once_and_send_test_is_signed_and_logged(client, rt, shops,
                                                                                           receiver):
    sign_in(client, shops["woocommerce"].id)
    added = _post(client, "/app/notifications/endpoints", {"url": receiver.url, "events": ["refund.issued"]})
    text = added.get_data(as_text=True)
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", text).group(0)
    with rt.sessions() as session:
        endpoint = session.scalar(select(WebhookEndpoint))
    assert endpoint.secret == secret and endpoint.events == ["refund.issued"]
    log_page = f"/app/notifications/endpoints/{endpoint.id}"
    assert secret not in client.get(log_page).get_data(as_text=True)
    assert secret in _post(client, f"{log_page}/reveal", {}).get_data(as_text=True)
    tested = _post(client, f"{log_page}/test", {})
    assert tested.status_code == 303
    assert [p["type"] for p in payloads(receiver, secret)] == ["webhook.test"]
    log = client.get(log_page).get_data(as_text=True)
    assert '<td class="state succeeded">sent</td>' in log and "200" in log and secret not in log


def test_a_bad_endpoint_url_or_no_event_is_refused_naming_the_field(client, shops):
    sign_in(client, shops["woocommerce"].id)
    ftp = _post(client, "/app/notifications/endpoints", {"url": "ftp://x.test/", "events": ["refund.issued"]})
    none = _post(client, "/app/notifications/endpoints", {"url": "https://127.0.0.1/x"})
    assert ftp.status_code == 422 and "url: use an https:// address" in ftp.get_data(as_text=True)
    assert none.status_code == 422 and "events: choose one or more" in none.get_data(as_text=True)


def test_one_shops_pages_never_show_anothers_messages_or_endpoints(client, rt, shops, receiver):
    a, b = shops["shopify"].id, shops["woocommerce"].id
    case_id = add_case(rt, b, ref="b")
    with transaction(rt.sessions) as session:
        announce(session, session.get(ReturnCase, case_id), "request.received", {})
        session.add(WebhookEndpoint(shop_id=b, url="https://b-private.test/h", events=["refund.issued"],
                                    secret="whsec_AAAA", active=True))
    with rt.sessions() as session:
        b_message = session.scalar(select(Message).where(Message.shop_id == b)).id
        b_endpoint = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.shop_id == b)).id
        b_domain = session.get(Shop, b).domain
    sign_in(client, a)
    page = client.get(PAGE).get_data(as_text=True)
    assert "b-private.test" not in page and "We received your request" not in page.split('id="outbox"')[1]
    assert client.get(f"/app/notifications/messages/{b_message}").status_code == 404
    assert client.get(f"/app/notifications/endpoints/{b_endpoint}").status_code == 404
    assert _post(client, f"/app/notifications/endpoints/{b_endpoint}/test", {}).status_code == 404
    assert receiver.received == [] and b_domain not in page


def test_an_endpoint_on_a_private_address_is_refused_unless_private_addresses_are_allowed():
    for url in ("https://127.0.0.1/hooks", "https://10.0.0.8/hooks", "http://hooks.example.com/x"):
        with pytest.raises(EndpointError, match="^url: "):
            check_url(url, allow_private=False, resolver=lambda host: ["93.184.216.34"])
    assert check_url("https://hooks.example.com/x?k=1", False, lambda host: ["93.184.216.34"]) == \
        "https://hooks.example.com/x?k=1"
    assert check_url("http://127.0.0.1:8080/h", allow_private=True) == "http://127.0.0.1:8080/h"
