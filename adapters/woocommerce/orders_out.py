"""Orders returnkit creates on WooCommerce: a replacement at no cost, a child of the original order, made once.

WooCommerce has no idempotency key: the new order carries our marker in its meta, and the original's child orders
(GET orders?parent=<id>) are searched for it before one is created, so a lost answer never makes two."""
from __future__ import annotations

from adapters.http import PlatformError
from integration.domain import actions as act

MARKER_KEY = "_returnkit_marker"
ORIGINAL_KEY = "_returnkit_original_order"
MAX_PAGES = 20   # an original order with more than 2,000 child orders is not read for ever


def meta(order: dict, key: str):
    """An order's meta value for `key`, or None."""
    return next((m.get("value") for m in order.get("meta_data") or [] if m.get("key") == key), None)


def marked_child(client, original_id: str, marker: str) -> dict | None:
    """The order we made for this marker among the original's children, if any."""
    children = client.get_all("orders", {"parent": original_id}, max_pages=MAX_PAGES)
    return next((o for o in children if meta(o, MARKER_KEY) == marker), None)


def _line_items(original: dict, payload: act.CreateReplacement) -> list[dict]:
    """The same product and variation for each approved line, at a total of zero."""
    lines = {str(item["id"]): item for item in original.get("line_items") or []}
    items = []
    for line, qty in payload.lines:
        item = lines.get(str(line))
        if item is None or not item.get("product_id"):
            raise PlatformError(f"woocommerce: line {line} of order {payload.order_id} has no product to send again: "
                                "ship its replacement by hand", retryable=False)
        items.append({"product_id": item["product_id"], "variation_id": item.get("variation_id") or 0,
                      "quantity": int(qty), "subtotal": "0.00", "total": "0.00"})
    return items


def replacement_body(original: dict, payload: act.CreateReplacement) -> dict:
    """The new order: paid (nothing to pay), to the same customer and address, linked by parent and meta."""
    title = "returnkit replacement (no charge)"
    return {"parent_id": int(original["id"]), "set_paid": True, "currency": original.get("currency"),
            "customer_id": original.get("customer_id") or 0,
            "billing": original.get("billing") or {}, "shipping": original.get("shipping") or {},
            "payment_method_title": title, "line_items": _line_items(original, payload),
            "shipping_lines": [{"method_id": "free_shipping", "method_title": title, "total": "0.00"}],
            "meta_data": [{"key": MARKER_KEY, "value": payload.marker},
                          {"key": ORIGINAL_KEY, "value": str(original["id"])}]}


def create_replacement(client, payload: act.CreateReplacement) -> tuple[dict, bool]:
    """The replacement order and whether it was there already."""
    found = marked_child(client, payload.order_id, payload.marker)
    if found is not None:
        return found, True
    original = client.get(f"orders/{payload.order_id}")
    if not original:
        raise PlatformError(f"woocommerce: order {payload.order_id} is gone", retryable=False)
    return client.post("orders", replacement_body(original, payload)), False
