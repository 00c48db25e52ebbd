"""GraphQL documents for the orders returnkit creates (replacements), validated against the Admin schema."""
from adapters.shopify.documents import DOCUMENTS

# The original order's items and where it went: the replacement is the same variants, to the same address.
REPLACEMENT_SOURCE = """
query ReplacementSource($id: ID!) {
  order(id: $id) {
    id
    name
    currencyCode
    customer { id }
    shippingAddress { name firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone }
    lineItems(first: 250) { nodes { id quantity variant { id } } }
  }
}
"""

# Our replacement, found again by its tag (draftOrders' `tag` search filter) after an answer was lost.
MARKED_DRAFT_ORDERS = """
query MarkedDraftOrders($query: String!) {
  draftOrders(first: 5, query: $query) {
    nodes { id status tags order { id name } }
  }
}
"""

CREATE_DRAFT_ORDER = """
mutation CreateDraftOrder($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id status }
    userErrors { field message }
  }
}
"""

# Without payment terms a completed draft is marked paid (paymentPending, deprecated in 2026-10 in favour of
# payment terms, defaults to false): the zero total is paid, nothing is asked of the customer.
COMPLETE_DRAFT_ORDER = """
mutation CompleteDraftOrder($id: ID!) {
  draftOrderComplete(id: $id) {
    draftOrder { id status order { id name } }
    userErrors { field message }
  }
}
"""

DOCUMENTS.update({"ReplacementSource": REPLACEMENT_SOURCE, "MarkedDraftOrders": MARKED_DRAFT_ORDERS,
                  "CreateDraftOrder": CREATE_DRAFT_ORDER, "CompleteDraftOrder": COMPLETE_DRAFT_ORDER})
