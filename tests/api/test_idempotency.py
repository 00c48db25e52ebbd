"""Idempotency keys are the caller's own (issue 16, item 3): two customers of one shop, or the shop and a customer,
sending the same key each get their own request; a key sent again with another body is a 409 naming the key."""
import pytest
from sqlalchemy import func, select

from integration.db.request_models import ReturnCase
from tests.orders.test_picture import replay
from tests.requests.test_decide import DEFECTIVE_HOODIE, _queued, api  # noqa: F401  (fixtures)

SHOP = "kaolate-demo.myshopify.com"
JANE = {"shop": SHOP, "order_number": "1001", "email": "jane.buyer@example.com", "request": DEFECTIVE_HOODIE}
SAM_TEE = {**DEFECTIVE_HOODIE, "items": [{"line_item_id": "9003", "quantity": 1}]}
SAM = {"shop": SHOP, "order_number": "1002", "email": "sam.sample@example.com", "request": SAM_TEE}


@pytest.fixture()
def two_customers(client, rt, queue, api):
    replay(client, rt, queue, "shopify", ["orders_create__order_1002"])
    return client


def _post(client, body, key="same-key", bearer=None):
    headers = {"Idempotency-Key": key} if key else {}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return client.post("/api/v1/requests", json=body, headers=headers)


def _count(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count(ReturnCase.id)))


def test_two_customers_of_one_shop_with_the_same_key_each_get_their_own_request(two_customers, rt):
    jane = _post(two_customers, JANE)
    sam = _post(two_customers, SAM)
    assert (jane.status_code, sam.status_code) == (201, 201)
    assert sam.json["request_id"] != jane.json["request_id"]
    with rt.sessions() as session:
        owners = {c.id: c.order_pk for c in session.scalars(select(ReturnCase))}
        assert owners[sam.json["request_id"]] != owners[jane.json["request_id"]]
    assert "9002" not in str(sam.json["decision"]) and _post(two_customers, SAM).json == sam.json


def test_the_shop_and_a_customer_with_the_same_key_each_get_their_own_request(two_customers, api):
    jane = _post(two_customers, JANE)
    shop = _post(two_customers, {"shop": SHOP, "order_id": "5550001", "request": DEFECTIVE_HOODIE}, bearer=api["key"])
    assert shop.status_code == 201 and shop.json["request_id"] != jane.json["request_id"]


def test_a_key_sent_again_with_another_body_is_409_naming_the_key_and_shows_nothing_of_the_first(two_customers, rt):
    first = _post(two_customers, JANE)
    other = {**JANE, "request": {**DEFECTIVE_HOODIE, "reason": "wrong_item"}}
    refused = _post(two_customers, other)
    assert refused.status_code == 409 and _count(rt) == 1
    [error] = refused.json["errors"]
    assert error["field"] == "Idempotency-Key" and "'same-key'" in error["message"]
    assert str(first.json["request_id"]) not in refused.get_data(as_text=True)
    again = _post(two_customers, {**JANE, "email": " Jane.Buyer@Example.com ", "order_number": "#1001"})
    assert again.json == first.json   # the same request, however the customer wrote their proof


def test_the_shops_key_used_on_another_order_is_409(two_customers, api):
    body = {"shop": SHOP, "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    assert _post(two_customers, body, bearer=api["key"]).status_code == 201
    moved = _post(two_customers, {**body, "order_id": "5550002", "request": SAM_TEE}, bearer=api["key"])
    assert moved.status_code == 409 and moved.json["errors"][0]["field"] == "Idempotency-Key"


def test_without_a_key_the_same_body_is_one_request_and_another_body_another(two_customers, rt):
    first, repeat = _post(two_customers, JANE, key=None), _post(two_customers, JANE, key=None)
    assert first.json == repeat.json and _count(rt) == 1
    changed = _post(two_customers, {**JANE, "request": {**DEFECTIVE_HOODIE, "reason": "wrong_item"}}, key=None)
    assert changed.status_code == 201 and _count(rt) == 2


@pytest.mark.parametrize("key", ["x" * 201, "naïve", "tab\there"])
def test_a_key_that_is_not_short_printable_ascii_is_400(two_customers, key):
    response = _post(two_customers, JANE, key=key)
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "Idempotency-Key"
