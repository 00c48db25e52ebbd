"""GraphQL documents for settling a return with returnProcess (validated against the Admin schema with the rest)."""
from adapters.shopify.documents import DOCUMENTS

RETURN_TO_PROCESS = """
query ReturnToProcess($id: ID!) {
  return(id: $id) {
    id
    status
    order { id fulfillments(first: 10) { location { id } } }
    returnLineItems(first: 50) {
      nodes { ... on ReturnLineItem { id processableQuantity fulfillmentLineItem { lineItem { id } } } }
    }
    reverseFulfillmentOrders(first: 5) {
      nodes { lineItems(first: 50) { nodes { id totalQuantity fulfillmentLineItem { lineItem { id } } } } }
    }
  }
}
"""

PROCESS_RETURN = """
mutation ProcessReturn($input: ReturnProcessInput!) {
  returnProcess(input: $input) {
    return { id status }
    userErrors { field message code }
  }
}
"""

DOCUMENTS.update({"ReturnToProcess": RETURN_TO_PROCESS, "ProcessReturn": PROCESS_RETURN})
