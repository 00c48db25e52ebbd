"""GraphQL documents for edit requests: a new shipping address, and a line's variant changed by order editing
(validated against the Admin schema with the rest)."""
from adapters.shopify.documents import DOCUMENTS

# orderUpdate's OrderInput.shippingAddress (MailingAddressInput): the order's address, replaced.
UPDATE_SHIPPING_ADDRESS = """
mutation UpdateShippingAddress($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id shippingAddress { address1 city zip countryCodeV2 } }
    userErrors { field message }
  }
}
"""

# The order's lines as they stand (currentQuantity: after edits and removals), to see whether an edit is made.
ORDER_LINES_FOR_EDIT = """
query OrderLinesForEdit($id: ID!) {
  order(id: $id) { id lineItems(first: 250) { nodes { id currentQuantity variant { id } } } }
}
"""

# shopify.dev/docs/apps/build/orders-fulfillment/order-management-apps/edit-orders: begin (a CalculatedOrder whose
# lines are CalculatedLineItems), stage changes on it, commit; nothing changes on the order until the commit.
BEGIN_ORDER_EDIT = """
mutation BeginOrderEdit($id: ID!) {
  orderEditBegin(id: $id) {
    calculatedOrder { id lineItems(first: 250) { nodes { id quantity editableQuantity } } }
    userErrors { field message }
  }
}
"""

ADD_VARIANT_TO_EDIT = """
mutation AddVariantToEdit($id: ID!, $variantId: ID!, $quantity: Int!) {
  orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: true) {
    calculatedLineItem { id quantity }
    userErrors { field message }
  }
}
"""

SET_EDIT_QUANTITY = """
mutation SetEditQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!) {
  orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: true) {
    calculatedLineItem { id quantity }
    userErrors { field message }
  }
}
"""

COMMIT_ORDER_EDIT = """
mutation CommitOrderEdit($id: ID!, $staffNote: String) {
  orderEditCommit(id: $id, notifyCustomer: false, staffNote: $staffNote) {
    order { id }
    userErrors { field message }
  }
}
"""

DOCUMENTS.update({"UpdateShippingAddress": UPDATE_SHIPPING_ADDRESS, "OrderLinesForEdit": ORDER_LINES_FOR_EDIT,
                  "BeginOrderEdit": BEGIN_ORDER_EDIT, "AddVariantToEdit": ADD_VARIANT_TO_EDIT,
                  "SetEditQuantity": SET_EDIT_QUANTITY, "CommitOrderEdit": COMMIT_ORDER_EDIT})
