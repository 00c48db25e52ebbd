"""Within one shop: a customer who proved their own order reaches nothing of another customer's request, on the
request page, its evidence form or the request API (issue 16, item 11). Shop against shop is
tests/web/test_tenant_isolation.py."""
import io
import re

import pytest
from sqlalchemy import select

from integration.db.request_models import ReturnCase
from integration.requests.evidence import list_files
from tests import evidence_files
from tests.orders.test_picture import STORY, replay
from tests.requests.test_decide import DEFECTIVE_HOODIE
from tests.web_helpers import csrf_from

PAGE = "/r/kaolate-demo.myshopify.com"
JANE, SAM = ("1001", "jane.buyer@example.com"), ("1002", "sam.sample@example.com")
JANES_WORDS = "jane-private-words: the zip broke"


@pytest.fixture()
def world(client, rt, queue, shops):
    """Jane's request (order 1001, with her words and a photo, waiting for more), and Sam's browser, which proved
    Sam's own order 1002 of the same shop."""
    replay(client, rt, queue, "shopify", STORY + ["orders_create__order_1002"])
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    jane = client.application.test_client()
    _prove(jane, *JANE)
    form = jane.get(f"{PAGE}/new")
    nonce = re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode()
    created = jane.post(f"{PAGE}/new", data={"csrf_token": csrf_from(form.data), "nonce": nonce, "type": "return",
                                            "qty-9002": "1", "reason": "defective", "description": JANES_WORDS})
    assert created.status_code == 302, created.data
    sam = client.application.test_client()
    _prove(sam, *SAM)
    return {"jane": int(created.headers["Location"].rsplit("/", 1)[1]), "nonce": nonce, "sam": sam,
            "before": _state(rt)}


def _prove(browser, number: str, email: str) -> None:
    token = csrf_from(browser.get(PAGE).data)
    response = browser.post(PAGE, data={"csrf_token": token, "order_number": number, "email": email})
    assert response.status_code == 302, response.data


def _state(rt) -> list[tuple]:
    """Every request with its order, words, decisions and files: what another customer must not change."""
    with rt.sessions() as session:
        return [(c.id, c.order_pk, c.description, len(c.decisions), c.request,
                 [f.sha256 for f in list_files(session, c)]) for c in session.scalars(select(ReturnCase))]


def test_another_customers_request_page_is_404(world):
    page = world["sam"].get(f"{PAGE}/requests/{world['jane']}")
    assert page.status_code == 404 and JANES_WORDS.encode() not in page.data


def test_evidence_for_another_customers_request_is_404_and_changes_nothing(world, rt):
    sam = world["sam"]
    token = csrf_from(sam.get(f"{PAGE}/new").data)
    sent = sam.post(f"{PAGE}/requests/{world['jane']}/evidence", content_type="multipart/form-data",
                    data={"csrf_token": token, "description": "sam was here",
                          "photos": [(io.BytesIO(evidence_files.jpeg()), "sam.jpg")]})
    assert sent.status_code == 404 and _state(rt) == world["before"]


def test_another_customers_form_nonce_makes_the_customers_own_request(world, rt):
    sam = world["sam"]
    token = csrf_from(sam.get(f"{PAGE}/new").data)
    sent = sam.post(f"{PAGE}/new", data={"csrf_token": token, "nonce": world["nonce"], "type": "cancellation"})
    assert sent.status_code == 302 and not sent.headers["Location"].endswith(f"/requests/{world['jane']}")
    assert _state(rt)[0] == world["before"][0]


def test_the_api_shows_and_changes_nothing_of_another_customers_request(world, rt):
    sam, jane_id = world["sam"], world["jane"]
    proof = {"shop": "kaolate-demo.myshopify.com", "order_number": SAM[0], "email": SAM[1]}
    assert sam.get(f"/api/v1/requests/{jane_id}").status_code == 401
    assert sam.post(f"/api/v1/requests/{jane_id}/evidence", json={**proof, "photos": 2}).status_code == 401
    inspected = sam.post(f"/api/v1/requests/{jane_id}/inspection", json={**proof, "items": {"9002": "used"}})
    assert inspected.status_code == 401
    janes_order = sam.post("/api/v1/requests", json={**proof, "order_number": JANE[0], "request": DEFECTIVE_HOODIE})
    assert janes_order.status_code == 401 and JANES_WORDS not in janes_order.get_data(as_text=True)
    assert _state(rt) == world["before"]
