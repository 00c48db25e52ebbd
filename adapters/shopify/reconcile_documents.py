"""The GraphQL documents of the periodic sweep: orders changed since a time, with what the order picture needs."""
from adapters.shopify.documents import DOCUMENTS

PAGE_SIZE = 25   # orders per page; each carries its lines, fulfillments, refunds and returns

_MONEY = "shopMoney { amount }"

RECONCILE_ORDERS = f"""
query ReconcileOrders($query: String!, $after: String) {{
  orders(first: {PAGE_SIZE}, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{
      id name number createdAt updatedAt cancelledAt email tags currencyCode displayFinancialStatus taxesIncluded
      shippingAddress {{ countryCodeV2 }}
      customAttributes {{ key value }}
      currentTotalPriceSet {{ {_MONEY} }} totalOutstandingSet {{ {_MONEY} }}
      shippingLines(first: 10) {{
        nodes {{
          originalPriceSet {{ {_MONEY} }} discountedPriceSet {{ {_MONEY} }} taxLines {{ priceSet {{ {_MONEY} }} }}
        }}
      }}
      lineItems(first: 100) {{
        nodes {{
          id title name quantity sku requiresShipping
          customAttributes {{ key value }}
          originalUnitPriceSet {{ {_MONEY} }}
          discountAllocations {{ allocatedAmountSet {{ {_MONEY} }} }}
          taxLines {{ priceSet {{ {_MONEY} }} }}
          product {{ id }}
          variant {{ id }}
        }}
      }}
      fulfillments(first: 50) {{
        id status displayStatus createdAt updatedAt deliveredAt
        trackingInfo(first: 10) {{ number }}
        fulfillmentLineItems(first: 100) {{ nodes {{ quantity lineItem {{ id }} }} }}
      }}
      refunds(first: 50) {{
        id createdAt
        transactions(first: 20) {{ nodes {{ kind status amountSet {{ {_MONEY} }} }} }}
        refundLineItems(first: 100) {{
          nodes {{ quantity lineItem {{ id }} subtotalSet {{ {_MONEY} }} totalTaxSet {{ {_MONEY} }} }}
        }}
      }}
      returns(first: 20) {{
        nodes {{
          id status createdAt
          returnLineItems(first: 50) {{
            nodes {{
              quantity
              ... on ReturnLineItem {{ returnReason customerNote fulfillmentLineItem {{ lineItem {{ id }} }} }}
            }}
          }}
        }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

DOCUMENTS.update({"ReconcileOrders": RECONCILE_ORDERS})
