"""WooCommerce's topic table: every topic we handle, its parser, and the known topics we ignore."""
from adapters.woocommerce import parse

TOPICS = {
    "order.created": parse.parse_order,
    "order.updated": parse.parse_order,
    "order.restored": parse.parse_order,
    "order.deleted": parse.parse_order_deleted,
    "product.created": parse.parse_product,
    "product.updated": parse.parse_product,
    "product.deleted": parse.parse_product_deleted,
}

IGNORED_TOPICS = frozenset({
    "product.restored", "coupon.created", "coupon.updated", "coupon.deleted", "coupon.restored",
    "customer.created", "customer.updated", "customer.deleted", "customer.restored",
})

COMPLIANCE_TOPICS: frozenset[str] = frozenset()
