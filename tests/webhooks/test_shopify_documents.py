"""Every GraphQL document returnkit sends to Shopify validates against the real 2026-10 Admin schema."""
import pytest

from adapters.shopify.documents import API_VERSION, DOCUMENTS
from tests.shopify_schema import API, validate


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
