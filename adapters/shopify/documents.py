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
    featuredMedia { preview { image { url } } }
    variants(first: 100) {
      nodes {
        id sku title inventoryItem { requiresShipping }
        selectedOptions { name value }
        media(first: 1) { nodes { preview { image { url } } } }
      }
    }
  }
}
"""

DOCUMENTS = {"ProductForReturns": PRODUCT_FOR_RETURNS}

ORDER_NOTE = """
query OrderNote($id: ID!) {
  order(id: $id) { id note }
}
"""

UPDATE_ORDER_NOTE = """
mutation UpdateOrderNote($input: OrderInput!) {
  orderUpdate(input: $input) { order { id } userErrors { field message } }
}
"""

TAG_ORDER = """
mutation TagOrder($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}
"""

UNTAG_ORDER = """
mutation UntagOrder($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } }
}
"""

APPROVE_RETURN = """
mutation ApproveReturn($input: ReturnApproveRequestInput!) {
  returnApproveRequest(input: $input) { return { id status } userErrors { field message code } }
}
"""

DECLINE_RETURN = """
mutation DeclineReturn($input: ReturnDeclineRequestInput!) {
  returnDeclineRequest(input: $input) { return { id status } userErrors { field message code } }
}
"""

RETURN_STATUS = """
query ReturnStatus($id: ID!) {
  return(id: $id) { id status }
}
"""

SUGGESTED_REFUND = """
query SuggestedRefund($id: ID!, $lines: [RefundLineItemInput!], $shipping: Money) {
  order(id: $id) {
    suggestedRefund(refundLineItems: $lines, shippingAmount: $shipping) {
      amountSet { presentmentMoney { amount currencyCode } }
      suggestedTransactions { gateway kind parentTransaction { id } amountSet { presentmentMoney { amount } } }
    }
  }
}
"""

ISSUE_REFUND = """
mutation IssueRefund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { presentmentMoney { amount currencyCode } } }
    userErrors { field message }
  }
}
"""

CANCEL_ORDER = """
mutation CancelOrder($orderId: ID!, $refundMethod: OrderCancelRefundMethodInput, $restock: Boolean!,
                     $staffNote: String) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, refundMethod: $refundMethod, restock: $restock,
              notifyCustomer: true, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

CANCEL_JOB = """
query CancelJob($id: ID!) {
  job(id: $id) { id done }
}
"""

ORDER_CANCELLED = """
query OrderCancelled($id: ID!) {
  order(id: $id) { id cancelledAt }
}
"""

ORDER_SHIPPING_ADDRESS = """
query OrderShippingAddress($id: ID!) {
  order(id: $id) {
    id
    shippingAddress { name company address1 address2 city provinceCode zip countryCodeV2 phone }
  }
}
"""

RETURN_FOR_LABEL = """
query ReturnForLabel($id: ID!) {
  return(id: $id) {
    id
    status
    reverseFulfillmentOrders(first: 5) {
      nodes {
        id
        lineItems(first: 50) { nodes { id totalQuantity } }
        reverseDeliveries(first: 5) { nodes { id } }
      }
    }
  }
}
"""

ATTACH_RETURN_LABEL = """
mutation AttachReturnLabel($rfo: ID!, $items: [ReverseDeliveryLineItemInput!]!, $tracking: ReverseDeliveryTrackingInput,
                           $label: ReverseDeliveryLabelInput) {
  reverseDeliveryCreateWithShipping(reverseFulfillmentOrderId: $rfo, reverseDeliveryLineItems: $items,
                                    trackingInput: $tracking, labelInput: $label, notifyCustomer: true) {
    reverseDelivery { id }
    userErrors { field message code }
  }
}
"""

ORDER_RETURNS = """
query OrderReturns($id: ID!) {
  order(id: $id) {
    id
    returns(first: 50) {
      nodes { id status returnLineItems(first: 50) { nodes { id quantity returnReasonNote } } }
    }
    fulfillments(first: 50) {
      id
      fulfillmentLineItems(first: 50) { nodes { id quantity lineItem { id } } }
    }
  }
}
"""

CREATE_RETURN = """
mutation CreateReturn($input: ReturnInput!) {
  returnCreate(returnInput: $input) { return { id status } userErrors { field message code } }
}
"""

DOCUMENTS.update({
    "OrderReturns": ORDER_RETURNS, "CreateReturn": CREATE_RETURN,
    "OrderShippingAddress": ORDER_SHIPPING_ADDRESS, "ReturnForLabel": RETURN_FOR_LABEL,
    "AttachReturnLabel": ATTACH_RETURN_LABEL,
    "OrderCancelled": ORDER_CANCELLED, "CancelJob": CANCEL_JOB,
    "OrderNote": ORDER_NOTE, "UpdateOrderNote": UPDATE_ORDER_NOTE, "TagOrder": TAG_ORDER, "UntagOrder": UNTAG_ORDER,
    "ApproveReturn": APPROVE_RETURN, "DeclineReturn": DECLINE_RETURN, "ReturnStatus": RETURN_STATUS,
    "SuggestedRefund": SUGGESTED_REFUND, "IssueRefund": ISSUE_REFUND, "CancelOrder": CANCEL_ORDER,
})

# Webhook subscriptions made on install (app-specific compliance topics live in shopify.app.toml instead).
WEBHOOK_SUBSCRIPTIONS = """
query WebhookSubscriptions($uri: String!, $after: String) {
  webhookSubscriptions(first: 100, uri: $uri, after: $after) {
    nodes { id topic uri format }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CREATE_WEBHOOK_SUBSCRIPTION = """
mutation CreateWebhookSubscription($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri format }
    userErrors { field message }
  }
}
"""

DOCUMENTS.update({"WebhookSubscriptions": WEBHOOK_SUBSCRIPTIONS,
                  "CreateWebhookSubscription": CREATE_WEBHOOK_SUBSCRIPTION})

# Bookkeeping yields the last of a shop's bucket to the effects a customer waits for (see throttle.py):
# each such document, with the calls that follow it, which it makes room for before it starts.
BACKGROUND = {ORDER_NOTE: (UPDATE_ORDER_NOTE,)}

# A return's lines, for a returns/request webhook that carries none (adapters/shopify/return_lines.py).
# fulfillmentLineItem is only on ReturnLineItem (not UnverifiedReturnLineItem), hence the fragment;
# returnReasonDefinition replaces the deprecated returnReason.
RETURN_LINES = """
query ReturnLines($id: ID!) {
  return(id: $id) {
    id
    status
    order { id }
    returnLineItems(first: 50) {
      nodes {
        ... on ReturnLineItem {
          quantity
          returnReasonDefinition { handle name }
          returnReasonNote
          customerNote
          fulfillmentLineItem { lineItem { id } }
        }
      }
    }
  }
}
"""

DOCUMENTS.update({"ReturnLines": RETURN_LINES})

# The shop's own id, asked for at install: compliance deliveries must carry it (integration/shops/platform_id.py).
SHOP_ID = """
query ShopId {
  shop { id }
}
"""

DOCUMENTS.update({"ShopId": SHOP_ID})
