"""Every GraphQL document returnkit sends to Shopify validates against the real 2026-10 Admin schema."""
import pytest

import adapters.shopify.actions  # noqa: F401  (registers every document the actions send)
import adapters.shopify.reconcile_documents  # noqa: F401  (and the sweep's)
from adapters.shopify.documents import API_VERSION, DOCUMENTS
from tests.shopify_schema import API, deprecated_uses, validate


def test_we_pin_the_api_version_the_schema_describes():
    assert API_VERSION == API


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_validates_against_the_admin_schema(name):
    assert validate(DOCUMENTS[name]) == []


def test_the_idempotency_directive_is_on_the_mutation_field():
    assert "@idempotent(key: $key)" in DOCUMENTS["IssueRefund"]
    misplaced = DOCUMENTS["IssueRefund"].replace("@idempotent(key: $key)", "").replace(
        "mutation IssueRefund($input: RefundInput!, $key: String!)",
        "mutation IssueRefund($input: RefundInput!, $key: String!) @idempotent(key: $key)")
    assert validate(misplaced) != []  # the schema only allows it on a field


def test_variables_are_checked_too():
    good = {"input": {"id": "gid://shopify/Return/1", "declineReason": "OTHER", "notifyCustomer": True}}
    assert validate(DOCUMENTS["DeclineReturn"], good) == []
    assert validate(DOCUMENTS["DeclineReturn"], {"input": {"id": "x", "declineReason": "TOO_LATE"}}) != []


def test_the_return_we_open_is_a_valid_returninput():
    from adapters.shopify.returns import return_line_items
    order = {"fulfillments": [{"id": "gid://shopify/Fulfillment/1", "fulfillmentLineItems": {"nodes": [
        {"id": "gid://shopify/FulfillmentLineItem/5", "quantity": 2, "lineItem": {"id": "gid://shopify/LineItem/9"}}]}}]}
    items = return_line_items(order, [["9", 2]], "returnkit-case-1")
    variables = {"input": {"orderId": "gid://shopify/Order/1", "returnLineItems": items, "notifyCustomer": False,
                           "requestedAt": "2026-05-12T10:00:00-06:00"}}
    assert validate(DOCUMENTS["CreateReturn"], variables) == []
    assert validate(DOCUMENTS["CreateReturn"], {"input": {"orderId": "gid://shopify/Order/1", "returnLineItems": [
        {"lineItemId": "gid://shopify/LineItem/9", "quantity": 1}]}}) != []   # it takes fulfillment line items


# The sweep reads a return's reason with the deprecated field on purpose: its answer must give the same enum words
# the returns webhooks carry, or a webhook and a sweep of one return would get two version keys.
KEPT_DEPRECATED = {("ReconcileOrders", "returnReason")}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_no_document_uses_a_deprecated_field_or_argument(name):
    used = {(name, use.split(":")[0]) for use in deprecated_uses(DOCUMENTS[name])}
    assert used <= KEPT_DEPRECATED, used - KEPT_DEPRECATED


def test_the_deprecation_check_sees_a_deprecated_argument():
    assert deprecated_uses(
        "mutation C($o: ID!) { orderCancel(orderId: $o, reason: CUSTOMER, refund: true, restock: true) { job { id } } }"
    ) == ["refund: Use `refundMethod` instead."]
