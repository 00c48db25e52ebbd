"""The order picture: orders, lines, deliveries, refunds and returns, and products, per shop."""
