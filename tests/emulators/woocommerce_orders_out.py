"""POST /orders as WooCommerce core creates an order (WC_REST_Orders_V2_Controller, includes/rest-api/Controllers/
Version2/class-wc-rest-orders-v2-controller.php): line items by product, totals calculated, set_paid, meta, parent."""
from __future__ import annotations

from decimal import Decimal

from tests.emulators.woocommerce_orders import CENT, RestError


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _line(item: dict, known: dict, next_id) -> dict:
    """An order item for a posted line: its product's price times the quantity unless total/subtotal are given."""
    # prepare_line_items: a line needs product_id or sku ("woocommerce_rest_required_product_reference"); a new line
    # is priced with wc_get_price_excluding_tax for its quantity, then maybe_set_item_props applies a posted
    # subtotal and total.
    if not item.get("product_id") and not item.get("sku"):
        raise RestError(400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required.")
    product = known.get(str(item.get("variation_id") or item["product_id"])) or known.get(str(item["product_id"]))
    if product is None:
        raise RestError(400, "woocommerce_rest_invalid_product_id", "Invalid product ID.")
    qty = int(item.get("quantity") or 1)
    priced = _money(product["price"]) * qty
    total = _money(item["total"]) if item.get("total") not in (None, "") else priced
    subtotal = _money(item["subtotal"]) if item.get("subtotal") not in (None, "") else priced
    return {"id": next_id(), "name": product.get("name"), "product_id": int(item["product_id"]),
            "variation_id": int(item.get("variation_id") or 0), "quantity": qty, "subtotal": str(subtotal),
            "total": str(total), "total_tax": "0.00", "taxes": [], "meta_data": [], "sku": product.get("sku"),
            "price": float(total / qty if qty else 0)}


def known_products(emulator) -> dict[str, dict]:
    """Products the store sells: those added to the emulator, and those its seeded orders were placed for."""
    known = {str(item.get("variation_id") or item["product_id"]): {"name": item.get("name"), "sku": item.get("sku"),
                                                                   "price": item.get("price") or 0}
             for order in emulator.orders.values() for item in order.get("line_items") or [] if item.get("product_id")}
    known.update({str(pid): {"name": p.get("name"), "sku": p.get("sku"), "price": p.get("price") or 0}
                  for pid, p in emulator.products.items()})
    return known


def create_order(emulator, body: dict) -> dict:
    """The order WooCommerce keeps for this POST, as the REST answer shows it."""
    next_id = lambda: next(emulator.ids)   # noqa: E731
    known = known_products(emulator)
    lines = [_line(item, known, next_id) for item in body.get("line_items") or []]
    shipping = [{"id": next_id(), "method_id": s.get("method_id"), "method_title": s.get("method_title"),
                 "total": str(_money(s.get("total") or 0)), "total_tax": "0.00", "taxes": []}
                for s in body.get("shipping_lines") or []]
    # save_object calls calculate_totals() for a new order; set_paid calls payment_complete(), which sets the
    # status to processing (completed for virtual-only orders) and the paid date (REST docs: set_paid "will set the
    # status to processing and reduce stock items").
    total = sum((_money(li["total"]) for li in lines + shipping), Decimal(0))
    order_id = next_id()
    order = {"id": order_id, "number": str(order_id), "parent_id": int(body.get("parent_id") or 0),
             "status": "processing" if body.get("set_paid") else body.get("status") or "pending",
             "currency": body.get("currency") or "USD", "created_via": "rest-api", "total": str(total),
             "date_paid": "2026-05-12T10:00:00" if body.get("set_paid") else None,
             "customer_id": int(body.get("customer_id") or 0), "billing": body.get("billing") or {},
             "shipping": body.get("shipping") or {}, "payment_method": body.get("payment_method") or "",
             "payment_method_title": body.get("payment_method_title") or "", "line_items": lines,
             "shipping_lines": shipping, "meta_data": [{"id": next_id(), **m} for m in body.get("meta_data") or []],
             "customer_note": body.get("customer_note") or "", "refunds": []}
    emulator.orders[str(order_id)] = order
    if body.get("set_paid"):
        reduce_stock(emulator, lines)
    return order


def reduce_stock(emulator, lines: list[dict]) -> None:
    """wc_maybe_reduce_stock_levels on payment_complete: each product that manages stock loses the units sold, and
    at zero (the store's notify-no-stock amount) it is out of stock (wc_update_product_stock, includes/wc-stock-
    functions.php; REST docs: set_paid "will set the status to processing and reduce stock items")."""
    for line in lines:
        product = emulator.products.get(str(line["variation_id"] or line["product_id"]))
        if product and product.get("manage_stock"):
            product["stock_quantity"] = int(product.get("stock_quantity") or 0) - line["quantity"]
            if product["stock_quantity"] <= 0 and product.get("backorders", "no") == "no":
                product["stock_status"] = "outofstock"
