"""Edit requests on WooCommerce: a new shipping address, PUT orders/<id> (REST API v3, "Update an order":
developer.woocommerce.com/docs/apis/rest-api/v3/). A line's variant or personalisation is left to the merchant in a
note (integration/outbox/plan_edit.py): a PUT with `line_items` adds a line rather than replacing one (woocommerce/
woocommerce#22177: the old line stays), and it neither settles the price difference nor moves the stock."""
from __future__ import annotations

from integration.domain import actions as act

# The case's address fields -> the order's `shipping` fields (WooCommerce REST v3, Order properties: shipping).
_SHIPPING = {"first_name": "first_name", "last_name": "last_name", "company": "company", "address1": "address_1",
             "address2": "address_2", "city": "city", "province_code": "state", "zip": "postcode",
             "country_code": "country", "phone": "phone"}


def shipping(address: dict) -> dict:
    """The edit's address as the order's `shipping`, every field sent: WooCommerce sets only the posted fields
    (WC_REST_Orders_V2_Controller::update_address), so one left out would keep the old address's value."""
    return {theirs: address.get(ours) or "" for ours, theirs in _SHIPPING.items()}


class OrderEditActions:
    """The edit request's action kinds, mixed into WooCommerceActions (which gives the client)."""

    def do_change_address(self, payload: act.ChangeAddress, key: str) -> dict:
        """PUT orders/<id> with the new shipping address: the same address again changes nothing, so a retry is
        safe."""
        order = self.client.put(f"orders/{payload.order_id}", {"shipping": shipping(payload.address)}) or {}
        return {"order": payload.order_id, "shipping": order.get("shipping")}
