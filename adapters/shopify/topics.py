"""Shopify's topic table: every topic we handle, its parser, and the known topics we ignore."""
from adapters.shopify import parse

TOPICS = {
    "orders/create": parse.parse_order,
    "orders/updated": parse.parse_order,
    "orders/paid": parse.parse_order,
    "orders/cancelled": parse.parse_order,
    "orders/fulfilled": parse.parse_order,
    "fulfillments/create": parse.parse_fulfillment,
    "fulfillments/update": parse.parse_fulfillment,
    "fulfillment_events/create": parse.parse_fulfillment_event,
    "refunds/create": parse.parse_refund,
    **parse.RETURN_PARSERS,
    "products/create": parse.parse_product,
    "products/update": parse.parse_product,
    "products/delete": parse.parse_product_delete,
    "app/uninstalled": parse.parse_app_uninstalled,
    "customers/data_request": parse.parse_customers_data_request,
    "customers/redact": parse.parse_customers_redact,
    "shop/redact": parse.parse_shop_redact,
}

# Known topics a shop may still send (older subscriptions, shared endpoints) that we do not use.
IGNORED_TOPICS = frozenset({
    "orders/delete", "orders/edited", "orders/partially_fulfilled", "orders/risk_assessment_changed",
    "order_transactions/create", "carts/create", "carts/update", "checkouts/create", "checkouts/update",
    "checkouts/delete", "customers/create", "customers/update", "customers/delete", "customers/enable",
    "customers/disable", "draft_orders/create", "draft_orders/update", "draft_orders/delete",
    "inventory_levels/update", "inventory_items/update", "collections/create", "collections/update",
    "shop/update", "app_subscriptions/update", "fulfillment_orders/order_routing_complete",
    "fulfillment_orders/placed_on_hold", "fulfillment_orders/hold_released", "returns/update",
    "reverse_deliveries/attach_deliverable", "reverse_fulfillment_orders/dispose", "themes/publish",
})

# Topics accepted even after the app is uninstalled: Shopify sends shop/redact 48 hours later.
COMPLIANCE_TOPICS = frozenset({"app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"})
