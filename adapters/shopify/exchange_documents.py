"""GraphQL documents for exchanges that ride on a return (validated against the Admin schema with the rest)."""
from adapters.shopify.documents import DOCUMENTS

# The return's exchange line items: what is left to confirm with returnProcess, and the variants to check.
RETURN_EXCHANGES = """
query ReturnExchanges($id: ID!) {
  return(id: $id) {
    id
    status
    exchangeLineItems(first: 50) { nodes { id variantId quantity processableQuantity } }
  }
}
"""

# Whether a variant can be sold now: tracked stock, what is left, and whether it sells on when none is left.
VARIANT_STOCK = """
query VariantStock($id: ID!) {
  productVariant(id: $id) { id availableForSale inventoryQuantity inventoryPolicy inventoryItem { tracked } }
}
"""

# Many variants' stock in one question (the customer's exchange picker): `nodes` answers each id, null for an id
# that names nothing (QueryRoot.nodes, Admin 2026-10). An input array holds at most 250 items
# (shopify.dev/docs/api/usage/limits, "Input limits").
VARIANTS_STOCK = """
query VariantsStock($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on ProductVariant { id inventoryQuantity inventoryPolicy inventoryItem { tracked } }
  }
}
"""
MAX_NODES = 250

DOCUMENTS.update({"ReturnExchanges": RETURN_EXCHANGES, "VariantStock": VARIANT_STOCK, "VariantsStock": VARIANTS_STOCK})
