"""Platform-free domain model: no Shopify or WooCommerce names live here."""
