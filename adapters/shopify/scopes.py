"""The Admin API access scopes returnkit asks for, in one place (OAuth, shopify.app.toml and a schema test use it).

A `write_` scope grants the matching `read_` one, so only the write scope is listed. The test in
tests/webhooks/test_shopify_scopes.py derives what every document and webhook topic we use needs from
the real Admin schema and checks this list covers it, with nothing to spare; the scopes no field names
(BEYOND_SCHEMA) say why they are asked for instead.
"""
from adapters.http import PlatformError

SCOPES = (
    "write_orders",       # refundCreate, orderUpdate, orderCancel, tagsAdd; orders/*, refunds/create topics
    "write_returns",      # returnApproveRequest, returnDeclineRequest, reverseDeliveryCreateWithShipping; returns/*
    "read_fulfillments",  # fulfillments/*, fulfillment_events/create topics
    "read_products",      # product lookups for item classes; products/* topics
    "read_locations",     # returnProcess restocks returned units at the order's fulfillment location
    "read_all_orders",    # orders older than 60 days: warranty and late claims (see BEYOND_SCHEMA)
    "write_draft_orders",  # draftOrderCreate, draftOrderComplete: a replacement at no charge
    "write_order_edits",  # orderEditBegin, orderEditAddVariant, orderEditSetQuantity, orderEditCommit: an edit request
    "read_customers",     # the order's customer, for a replacement and a store-credit bonus
    "read_store_credit_accounts",               # the customer's credits, to find a bonus whose answer was lost
    "write_store_credit_account_transactions",  # storeCreditAccountCredit: a store-credit bonus
)

# Scopes the schema's requiredAccess never names, so they cannot be derived from the documents we send.
BEYOND_SCHEMA = {
    # shopify.dev/docs/api/usage/access-scopes: "By default, you can only access the last 60 days' worth of
    # orders"; without it order(id:) answers null for an older order. Warranty and late claims read such orders.
    # A public app must ask for it in the Partner Dashboard first (docs/deploy.md).
    "read_all_orders": "orders older than 60 days (warranty and late claims)",
}


def implied(scopes) -> set[str]:
    """The scopes a grant covers: each listed scope, and `read_x` for every `write_x`."""
    granted = set(scopes)
    return granted | {"read_" + s[len("write_"):] for s in granted if s.startswith("write_")}


def scope_param(scopes=SCOPES) -> str:
    """The comma-separated form OAuth and shopify.app.toml use."""
    return ",".join(scopes)


def order_or_unreadable(order: dict | None, order_gid: str) -> dict:
    """The order Shopify answered, or a PlatformError (not retried) naming the scope an unreadable order needs."""
    if order is None:
        raise PlatformError(f"shopify: order {str(order_gid).rsplit('/', 1)[-1]} cannot be read: Shopify answers "
                            "nothing for an order older than 60 days without the read_all_orders scope (or for a "
                            "deleted order); the merchant must open returnkit in Shopify admin again to grant it",
                            retryable=False)
    return order
