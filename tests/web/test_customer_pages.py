"""The customer's request page: find the order by number and email, ask, and see the answer at once."""
import io
import re

import pytest
from sqlalchemy import select

from integration.db.request_models import Action, ReturnCase
from integration.requests.evidence import list_files, with_stored_evidence
from integration.web.limits import limiter
from tests import evidence_files
from tests.orders.test_picture import STORY, replay
from tests.web_helpers import csrf_from

PAGE = "/r/kaolate-demo.myshopify.com"
EMAIL = "jane.buyer@example.com"


@pytest.fixture()
def customer(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    limiter.reset()
    return client


def _find(client, number="1001", email=EMAIL):
    token = csrf_from(client.get(PAGE).data)
    return client.post(PAGE, data={"csrf_token": token, "order_number": number, "email": email})


def _ask(client, **fields):
    form = client.get(f"{PAGE}/new")
    assert form.status_code == 200
    data = {"csrf_token": csrf_from(form.data), "nonce": re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode(),
            "type": "return", **fields}
    return client.post(f"{PAGE}/new", data=data)


def test_the_right_number_and_email_open_the_order(customer):
    response = _find(customer, "#1001", "  Jane.Buyer@Example.com ")
    assert response.status_code == 302 and response.headers["Location"].endswith("/new")
    page = customer.get(f"{PAGE}/new").data.decode()
    assert "Order 1001" in page and 'name="qty-9002"' in page


@pytest.mark.parametrize("number, email", [("1001", "someone@example.com"), ("1002", EMAIL), ("", EMAIL), ("1001", "")])
def test_a_wrong_number_or_email_opens_nothing(customer, number, email):
    response = _find(customer, number, email)
    assert response.status_code == 404 and b"could not find an order" in response.data
    assert customer.get(f"{PAGE}/new").status_code == 302


def test_an_unknown_shop_is_404(customer):
    assert customer.get("/r/nobody.myshopify.com").status_code == 404


def test_a_request_is_decided_and_the_answer_shown_with_what_happens_next(customer, rt):
    _find(customer)
    response = _ask(customer, **{"qty-9002": "1", "reason": "defective", "description": "The zip broke on day two."})
    assert response.status_code == 302
    answer = customer.get(response.headers["Location"]).data.decode()
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        decision = case.decisions[-1].document
        assert case.description == "The zip broke on day two."
        assert case.request["items"] == [{"line_item_id": "9002", "quantity": 1}]
    # The customer reads their own words, not the merchant's explanation (integration/requests/customer_words.py).
    assert decision["outcome"] == "needs_evidence" and "We need a little more from you" in answer
    steps = re.search(r"<ol>(.*?)</ol>", answer, re.S)[1]
    assert decision["explanation"].split(" (")[0] not in answer and "photos of the item" in steps
    assert "order number" not in steps   # the customer just typed it to open the order
    assert "What happens next" in answer and "Reply to your order confirmation email" in answer


def test_a_double_submitted_form_is_one_request(customer, rt):
    _find(customer)
    form = customer.get(f"{PAGE}/new")
    data = {"csrf_token": csrf_from(form.data), "nonce": re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode(),
            "type": "return", "qty-9002": "1", "reason": "defective"}
    first, second = customer.post(f"{PAGE}/new", data=data), customer.post(f"{PAGE}/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with rt.sessions() as session:
        assert session.scalar(select(ReturnCase.id).where(ReturnCase.id > 0).limit(2).offset(1)) is None
        assert len(session.scalars(select(Action)).all()) == len(session.scalars(select(ReturnCase)).one().decisions[0].actions)


@pytest.mark.parametrize("fields, field", [({"reason": "defective"}, "quantities"),
                                           ({"qty-9002": "1"}, "reason"),
                                           ({"qty-9002": "7", "reason": "defective"}, "quantities"),
                                           ({"qty-9002": "1", "reason": "bored"}, "reason")])
def test_a_bad_form_says_which_field_to_fix(customer, fields, field):
    _find(customer)
    response = _ask(customer, **fields)
    assert response.status_code == 422 and f'href="#field-{field}"'.encode() in response.data


def test_another_orders_request_is_not_shown(customer, rt, client):
    _find(customer)
    created = _ask(customer, **{"qty-9002": "1", "reason": "defective"}).headers["Location"]
    stranger = client.application.test_client()
    assert stranger.get(created).status_code == 302   # no order proven in this browser: back to the lookup
    case_id = int(created.rsplit("/", 1)[1])
    assert customer.get(f"{PAGE}/requests/{case_id + 1000}").status_code == 404


def test_order_lookups_are_rate_limited(customer):
    statuses = [_find(customer, "1001", f"guess{n}@example.com").status_code for n in range(12)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429] * 7   # customer_limits.ON_ORDER: 5 a minute


def test_only_the_customer_pages_pay_for_the_limiter(customer):
    from flask.globals import request_ctx
    with customer:   # keeps each request's context, where the limiter keeps its per-request state
        customer.get("/healthz")
        assert not hasattr(request_ctx._get_current_object(), "_limiter_request_context")
        assert "X-RateLimit-Limit" in customer.get(f"{PAGE}/new").headers
        assert hasattr(request_ctx._get_current_object(), "_limiter_request_context")


def test_forms_need_the_csrf_token(customer):
    assert customer.post(PAGE, data={"order_number": "1001", "email": EMAIL}).status_code == 400


def _form(client):
    form = client.get(f"{PAGE}/new")
    return {"csrf_token": csrf_from(form.data),
            "nonce": re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode()}


def test_photos_go_with_the_request_and_count_as_evidence(customer, rt):
    _find(customer)
    data = {**_form(customer), "type": "return", "qty-9002": "1", "reason": "defective",
            "photos": [(io.BytesIO(evidence_files.jpeg()), "zip.jpg"), (io.BytesIO(evidence_files.png()), "tag.png")]}
    response = customer.post(f"{PAGE}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.data
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        assert [f.content_type for f in list_files(session, case)] == ["image/jpeg", "image/png"]
        assert with_stored_evidence(session, case)["evidence"]["photos"] == 2


def _send_files(client, **files):
    """A request for the hoodie with these files attached, as the page's form posts it."""
    data = {**_form(client), "type": "return", "qty-9002": "1", "reason": "defective", **files}
    return client.post(f"{PAGE}/new", data=data, content_type="multipart/form-data")


def test_a_file_input_left_empty_is_not_an_attachment(customer, rt):
    _find(customer)
    # what a browser sends for the video input when only a photo was chosen: a part with filename ""
    response = _send_files(customer, photos=[(io.BytesIO(evidence_files.jpeg()), "zip.jpg")],
                           videos=[(io.BytesIO(b""), "")])
    assert response.status_code == 302, response.data
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        assert [f.content_type for f in list_files(session, case)] == ["image/jpeg"]


def test_an_empty_photo_is_still_refused_on_the_form(customer, rt):
    _find(customer)
    response = _send_files(customer, photos=[(io.BytesIO(b""), "zip.jpg")])
    assert response.status_code == 422 and b'href="#field-photos"' in response.data


def test_a_file_that_is_not_a_photo_is_refused_on_the_form(customer, rt):
    _find(customer)
    data = {**_form(customer), "type": "return", "qty-9002": "1", "reason": "defective",
            "photos": [(io.BytesIO(b"%PDF-1.7 not a photo"), "photo.jpg")]}
    response = customer.post(f"{PAGE}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 415 and b'href="#field-photos"' in response.data
    with rt.sessions() as session:
        assert session.scalars(select(ReturnCase)).all() == []


def test_a_request_that_needs_photos_is_decided_again_when_they_come(customer, rt):
    _find(customer)
    created = _ask(customer, **{"qty-9002": "1", "reason": "defective"}).headers["Location"]
    page = customer.get(created)
    with rt.sessions() as session:
        first = session.scalars(select(ReturnCase)).one().decisions[-1].document
    if first["outcome"] != "needs_evidence":
        pytest.fail(f"the kaolate preset should ask for photos of a defect; it said {first['outcome']}")
    assert b"Send photos" in page.data
    data = {"csrf_token": csrf_from(page.data), "description": "The zip tore off.",
            "photos": [(io.BytesIO(evidence_files.jpeg()), "zip.jpg")]}
    response = customer.post(f"{created}/evidence", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.data
    with rt.sessions() as session:
        case = session.scalars(select(ReturnCase)).one()
        assert len(case.decisions) == 2 and case.decisions[-1].outcome != "needs_evidence"
        assert "The zip tore off." in case.description
