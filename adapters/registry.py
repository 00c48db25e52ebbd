"""The platform registry: adding a platform is its folder under adapters/ and one line here."""
from adapters import shopify, woocommerce
from adapters.base import PlatformAdapter

ADAPTERS: dict[str, PlatformAdapter] = {
    "shopify": shopify.ADAPTER,
    "woocommerce": woocommerce.ADAPTER,
}
