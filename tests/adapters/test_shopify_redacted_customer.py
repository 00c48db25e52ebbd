"""Without approval for protected customer data, Shopify sends a real order with its customer's name, email and
address redacted (shopify.dev/docs/apps/launch/protected-customer-data): returnkit still takes it and decides on it."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from adapters.shopify.parse import RETURN_PARSERS, parse_order
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.customer_access import customer_order
from tests.adapters.test_real_payloads import process, sample, stored
from tests.webhook_helpers import post

US_ORDER, EMAIL, HOODIE = "2628173987889", "balagasrinivasrao@gmail.com", "5668979966001"
PERSON = ("first_name", "last_name", "name", "email", "phone", "address1", "address2", "city", "zip", "company",
          "latitude", "longitude")


def _nulled(value: dict | None) -> dict | None:
    """An object with its personal fields null, as a redacting API answers them (the country stays)."""
    return None if value is None else {k: (None if k in PERSON else v) for k, v in value.items()}


def redacted(body: dict, absent: bool) -> dict:
    """The body with its customer's personal data nulled field by field, or with the objects left out altogether."""
    if absent:
        return {**{k: v for k, v in body.items() if k not in ("customer", "shipping_address", "billing_address")},
                "email": None, "contact_email": None, "phone": None}
    customer = {**_nulled(body["customer"]), "default_address": None} if body.get("customer") else None
    return {**body, "email": None, "contact_email": None, "phone": None, "customer": customer,
            "shipping_address": _nulled(body.get("shipping_address")),
            "billing_address": _nulled(body.get("billing_address"))}


@pytest.mark.parametrize("absent", [False, True], ids=["fields-null", "objects-absent"])
def test_a_redacted_order_parses_without_its_customers_data(absent):
    [order, *_shipments] = parse_order(redacted(sample("shopify", "real_orders_fulfilled__us_23301"), absent))
    assert order.customer_email is None and [line.id for line in order.lines] == [HOODIE, "5668979998769"]
    assert (order.customer_ref, order.destination_country) == ((None, None) if absent else ("3633178509361", "US"))


@pytest.mark.parametrize("absent", [False, True], ids=["fields-null", "objects-absent"])
def test_a_redacted_order_and_return_request_are_stored_and_decided(client, rt, queue, shops, absent):
    order = redacted(sample("shopify", "real_orders_fulfilled__us_23301"), absent)
    request = redacted(sample("shopify", "real_returns_request__1106_R2__remap23301"), absent)
    assert RETURN_PARSERS["returns/request"](request)[0].line_quantities == ((HOODIE, 1),)
    assert post(client, "shopify", "orders/fulfilled", None, body=json.dumps(order).encode()).status_code == 200
    assert post(client, "shopify", "returns/request", None, body=json.dumps(request).encode(),
                X_Shopify_Triggered_At="2021-03-01T18:00:00Z").status_code == 200
    assert process(rt, queue) == ["processed", "processed"]
    assert stored(rt, shops["shopify"].id, US_ORDER).customer_email_hash is None
    with rt.sessions() as session:
        [case] = session.scalars(select(ReturnCase)).all()
        assert case.request["items"] == [{"line_item_id": HOODIE, "quantity": 1}]
        # The customer cannot find the order by its email: no email came. The page says it is not found, no crash.
        assert customer_order(session, session.get(Shop, shops["shopify"].id), "23301", EMAIL) is None


def test_the_same_order_unredacted_is_found_by_its_customers_email(client, rt, queue, shops):
    body = json.dumps(sample("shopify", "real_orders_fulfilled__us_23301")).encode()
    assert post(client, "shopify", "orders/fulfilled", None, body=body).status_code == 200
    assert process(rt, queue) == ["processed"]
    with rt.sessions() as session:
        found = customer_order(session, session.get(Shop, shops["shopify"].id), "#23301", EMAIL.upper())
        assert found is not None and found.order_id == US_ORDER
