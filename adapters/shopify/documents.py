"""Every GraphQL document returnkit sends to Shopify's Admin API; tests validate each against the real schema."""

API_VERSION = "2026-10"

PRODUCT_FOR_RETURNS = """
query ProductForReturns($id: ID!) {
  product(id: $id) {
    id
    title
    productType
    tags
    updatedAt
    variants(first: 100) { nodes { id sku inventoryItem { requiresShipping } } }
  }
}
"""

DOCUMENTS = {"ProductForReturns": PRODUCT_FOR_RETURNS}
