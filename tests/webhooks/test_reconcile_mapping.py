"""The sweep's GraphQL orders, mapped to webhook bodies, parse exactly as the webhooks of the same orders do."""
from dataclasses import replace

import pytest

from adapters.shopify import parse, reconcile
from adapters.shopify.reconcile_documents import RECONCILE_ORDERS
from adapters.woocommerce import reconcile as woo_reconcile
from adapters.woocommerce.parse import parse_order as woo_parse_order
from tests.emulators.shopify_orders_state import fulfillment_node, order_node, refund_node, return_node
from tests.shopify_schema import validate
from tests.webhook_helpers import FIXTURES, load_fixture

ORDER_FIXTURES = sorted(p.stem for p in FIXTURES["shopify"].glob("orders_*.json"))
FULFILLMENT_FIXTURES = sorted(p.stem for p in FIXTURES["shopify"].glob("fulfillments_*.json"))
RETURN_FIXTURES = ["returns_request", "returns_request__tee_defective", "returns_request__tee_unwanted", "returns_approve"]


def test_the_sweep_document_validates_against_the_admin_schema():
    assert validate(RECONCILE_ORDERS, {"query": "updated_at:>'2026-05-01T00:00:00Z'", "after": None}) == []


@pytest.mark.parametrize("name", ORDER_FIXTURES)
def test_a_graphql_order_parses_as_its_webhook(name):
    rest = load_fixture("shopify", name)
    mapped = reconcile.order_payload(order_node(rest))
    [swept, *swept_shipments], [delivered, *shipments] = parse.parse_order(mapped), parse.parse_order(rest)
    # All but the customer, which the sweep cannot read without the read_customers scope.
    assert swept == replace(delivered, customer_ref=None) and swept.customer_email == delivered.customer_email
    assert swept_shipments == shipments and len(shipments) == len(rest.get("fulfillments") or ())
    assert reconcile.version_key("orders/updated", mapped) == reconcile.version_key("orders/create", rest)


@pytest.mark.parametrize("name", FULFILLMENT_FIXTURES)
def test_a_graphql_fulfillment_parses_as_its_webhook(name):
    rest = load_fixture("shopify", name)
    mapped = reconcile.fulfillment_payload(rest["order_id"], fulfillment_node(rest))
    assert parse.parse_fulfillment(mapped) == parse.parse_fulfillment(rest)
    assert reconcile.version_key("fulfillments/update", mapped) == reconcile.version_key("fulfillments/create", rest)


def test_a_graphql_refund_parses_as_its_webhook():
    rest = load_fixture("shopify", "refunds_create")
    mapped = reconcile.refund_payload(rest["order_id"], refund_node(rest))
    assert parse.parse_refund(mapped) == parse.parse_refund(rest)
    assert reconcile.version_key("refunds/create", mapped) == reconcile.version_key("refunds/create", rest)


@pytest.mark.parametrize("name", RETURN_FIXTURES)
def test_a_graphql_return_parses_as_its_webhook(name):
    rest = load_fixture("shopify", name)
    topic = reconcile.RETURN_TOPICS[rest["status"]]
    mapped = reconcile.return_payload(rest["order"]["id"], return_node(rest, "2026-05-12T10:00:00Z"))
    assert parse.RETURN_PARSERS[topic](mapped) == parse.RETURN_PARSERS[topic](rest)
    assert reconcile.version_key(topic, mapped) == reconcile.version_key(name.split("__")[0].replace("_", "/", 1), rest)


def test_one_order_node_is_every_delivery_that_would_have_carried_it():
    rest = load_fixture("shopify", "orders_updated__partially_refunded")
    returned = return_node(load_fixture("shopify", "returns_request"), "2026-05-12T10:00:00Z")
    topics = [topic for topic, _body, _when in reconcile.deliveries(order_node(rest, returns=[returned]))]
    assert topics == ["orders/updated", "fulfillments/update", "fulfillments/update", "refunds/create", "returns/request"]


def test_a_change_the_parser_sees_is_a_new_version_even_within_the_same_second():
    rest = load_fixture("shopify", "orders_create")
    tagged = {**rest, "tags": "in-production"}
    assert reconcile.version_key("orders/updated", rest) != reconcile.version_key("orders/updated", tagged)
    assert reconcile.version_key("products/update", load_fixture("shopify", "products_update")) is None


def test_a_woocommerce_order_from_the_list_is_its_webhook_body():
    rest = load_fixture("woocommerce", "order_updated__shipped")
    [(topic, body, _when)] = woo_reconcile.deliveries(rest)
    assert (topic, woo_parse_order(body)) == ("order.updated", woo_parse_order(rest))
    assert woo_reconcile.version_key("order.created", rest) == woo_reconcile.version_key(topic, body)
    assert woo_reconcile.version_key("order.deleted", {"id": 1}) is None


def test_the_content_digest_is_stable_and_never_raises():
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal

    from adapters.common import content_digest
    from integration.domain import events as ev
    at = datetime(2026, 5, 1, 10, tzinfo=timezone(timedelta(hours=-6)))
    one = ev.RefundRecorded(order_id="1", refund_id="2", amount=Decimal("5.50"), created_at=at)
    same = ev.RefundRecorded(order_id="1", refund_id="2", amount=Decimal("5.5000"), created_at=at.astimezone(timezone.utc))
    assert content_digest([one]) == content_digest([same])          # one spelling for a time and an amount
    assert content_digest([one]) != content_digest([ev.RefundRecorded("1", "2", Decimal("5.51"), at)])
    assert content_digest([ev.ProductDeleted(product_id={1, 2})]) == content_digest([ev.ProductDeleted(product_id={1, 2})])
