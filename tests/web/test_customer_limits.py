"""A customer's proof of an order is rate limited on the canonical shop and order, on the page and the API, and an
attacker cannot lock a real customer out for good (issue 16, item 2)."""
import itertools
import re
import time

import pytest

from integration.web import customer_limits
from tests.orders.test_picture import STORY, replay
from tests.requests.test_decide import DEFECTIVE_HOODIE
from tests.web_helpers import csrf_from

DOMAIN, EMAIL = "kaolate-demo.myshopify.com", "jane.buyer@example.com"
HOUR = 3600


@pytest.fixture()
def customer(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY + ["orders_create__order_1002"])
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    return client


def _variants(text: str):
    """The same address in ever new upper/lower case spellings."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    for mask in itertools.count(1):
        yield "".join(c.upper() if i in letters and mask >> letters.index(i) & 1 else c for i, c in enumerate(text))


def _find(client, slug=DOMAIN, number="1001", email=EMAIL, address="203.0.113.1"):
    page = f"/r/{slug}"
    token = csrf_from(client.get(page, environ_base={"REMOTE_ADDR": address}).data)
    return client.post(page, data={"csrf_token": token, "order_number": number, "email": email},
                       environ_base={"REMOTE_ADDR": address})


def _api(client, email, shop=DOMAIN, number="1001", address="203.0.113.1"):
    body = {"shop": shop, "order_number": number, "email": email, "request": DEFECTIVE_HOODIE}
    return client.post("/api/v1/requests", json=body, environ_base={"REMOTE_ADDR": address})


def test_page_guesses_count_on_the_shop_however_its_address_is_typed(customer):
    slugs = _variants(DOMAIN)
    statuses = [_find(customer, next(slugs), email=f"guess{n}@example.com").status_code for n in range(150)]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}
    refused = _find(customer, next(slugs), email=EMAIL)
    assert refused.status_code == 429 and b"Too many tries for this order" in refused.data
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    others = [_find(customer, next(slugs), number=str(2000 + n), email="x@example.com").status_code for n in range(20)]
    assert 429 in others   # other order numbers from the same address: the shop's count (ON_SHOP) ends them too


def test_api_guesses_as_a_customer_are_limited_on_the_shop_and_order(customer):
    shops = _variants(DOMAIN)
    statuses = [_api(customer, f"guess{n}@example.com", shop=next(shops)).status_code for n in range(150)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    refused = _api(customer, EMAIL, number="#1001 ")
    assert refused.status_code == 429 and refused.json["errors"][0]["field"] == "order_number"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_one_address_guessing_does_not_lock_the_customer_out(customer):
    for n in range(30):
        _find(customer, email=f"guess{n}@example.com", address="198.51.100.7")
    assert _find(customer, address="203.0.113.9").status_code == 302


def test_many_addresses_hold_an_order_back_for_an_hour_at_most_and_no_other_order(customer, monkeypatch):
    wrong = customer_limits.FAILED_ON_ORDER.split(" ")[0]
    for n, address in enumerate(f"198.51.100.{a}" for a in range(1, int(wrong) // 5 + 1)):
        assert {_find(customer, email=f"guess{n}-{k}@example.com", address=address).status_code
                for k in range(5)} == {404}
    held = _find(customer, address="203.0.113.9")
    assert held.status_code == 429 and 60 < int(held.headers["Retry-After"]) <= HOUR
    assert _find(customer, number="1002", email="sam.sample@example.com", address="203.0.113.9").status_code == 302
    later = time.time() + HOUR + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _find(customer.application.test_client(), address="203.0.113.9").status_code == 302


def test_sends_on_a_proven_order_count_on_the_order_not_the_slug_as_typed(customer):
    assert _find(customer).status_code == 302
    form = customer.get(f"/r/{DOMAIN}/new")
    data = {"csrf_token": csrf_from(form.data), "type": "return", "qty-9002": "1", "reason": "defective",
            "nonce": re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode()}
    slugs = _variants(DOMAIN)
    statuses = [customer.post(f"/r/{next(slugs)}/new", data=data).status_code for _ in range(7)]
    assert statuses[:5] == [302] * 5 and statuses[5:] == [429] * 2
