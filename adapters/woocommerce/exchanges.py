"""Exchanges on WooCommerce: a new order for the wanted variants, a child of the original, priced at the difference.

WooCommerce has no exchanges of its own. The new order carries our marker in its meta and is found again among the
original's children before one is made (orders_out.marked_child). Each line costs what the wanted variant costs more
than the returned unit was paid before tax (at least nothing; the new order's tax is WooCommerce's own); what it
costs less is refunded on the original with the tax paid on it. Stock is read
from the product (stock_status, manage_stock, stock_quantity, backorders: woocommerce.github.io/woocommerce-rest-api-
docs/#product-properties) right before the order is made."""
from __future__ import annotations

from decimal import Decimal

from adapters.http import PlatformError
from adapters.woocommerce.orders_out import MARKER_KEY, ORIGINAL_KEY, marked_child
from integration.domain import actions as act
from integration.money import ZERO, to_minor


def _dec(value) -> Decimal:
    return Decimal(str(value or 0))


def in_stock(product: dict, quantity: int) -> bool:
    """Whether the store can sell `quantity` of the product now: not out of stock, and enough units when it counts
    them, unless it takes backorders."""
    if product.get("stock_status") == "outofstock":
        return False
    if not product.get("manage_stock") or product.get("backorders") in ("notify", "yes"):
        return True
    return int(product.get("stock_quantity") or 0) >= quantity


def wanted_products(client, wants: list) -> dict[str, dict]:
    """Each wanted variation or product as the store describes it now (GET products/<id> answers a variation too)."""
    out = {}
    for _line, variant, _qty in wants:
        product = client.get(f"products/{variant}")
        if not product:
            raise PlatformError(f"woocommerce: product {variant} is gone: choose another", retryable=False)
        out[str(variant)] = product
    return out


def variations_in_stock(client, wants: list[tuple[str | None, str, int]]) -> dict[str, bool]:
    """Each wanted variation (product, variation, units) sellable now, by variation id, in one question per product:
    its variations listed with `include` (GET products/<id>/variations, wp-api-v3/_product-variations.md). A variation
    its product no longer lists cannot be sold; a want that names no product is not answered."""
    by_product: dict[str, dict[str, int]] = {}
    for product, variant, units in wants:
        if product:
            by_product.setdefault(str(product), {})[str(variant)] = units
    answers = {}
    for product, units in by_product.items():
        listed = {str(v.get("id")): v for v in client.get_all(f"products/{product}/variations",
                                                               {"include": ",".join(units)})}
        answers.update({v: v in listed and in_stock(listed[v], n) for v, n in units.items()})
    return answers


def _paid_per_unit(line: dict) -> tuple[Decimal, Decimal]:
    """(what one unit was paid before tax, the line's tax rate) from the order line's total and total_tax."""
    total, quantity = _dec(line.get("total")), int(line.get("quantity") or 1)
    return total / quantity, (_dec(line.get("total_tax")) / total if total else ZERO)


def priced_lines(original: dict, wants: list, products: dict[str, dict]) -> list[dict]:
    """Per wanted line: the product, its quantity, what it costs more before tax (`owed`: WooCommerce adds the tax
    when it totals the new order) and what it costs less with the tax paid on it (`back`, refunded).

    Prices are compared before tax, at the returned line's rate: a store that enters prices with tax
    (the order's `prices_include_tax`) sells the wanted variant at its price less that tax."""
    paid = {str(li["id"]): _paid_per_unit(li) for li in original["line_items"]}
    currency = original.get("currency") or "USD"
    out = []
    for line, variant, qty in wants:
        if str(line) not in paid:
            raise PlatformError(f"woocommerce: order {original['id']} has no line {line}", retryable=False)
        unit_paid, rate = paid[str(line)]
        price = _dec(products[str(variant)].get("price"))
        if original.get("prices_include_tax"):
            price = price / (1 + rate)
        step = (price - unit_paid) * int(qty)
        out.append({"product": products[str(variant)], "quantity": int(qty),
                    "owed": to_minor(max(step, ZERO), currency),
                    "back": to_minor(max(-step, ZERO) * (1 + rate), currency)})
    return out


def exchange_body(original: dict, payload: act.CreateExchange, lines: list[dict]) -> dict:
    """The new order: paid when nothing is owed, else pending payment for the customer; linked by parent and meta."""
    owed = sum((line["owed"] for line in lines), ZERO)
    title = "returnkit exchange"
    items = [{"product_id": line["product"].get("parent_id") or line["product"]["id"],
              "variation_id": line["product"]["id"] if line["product"].get("parent_id") else 0,
              "quantity": line["quantity"], "subtotal": str(line["owed"]), "total": str(line["owed"])}
             for line in lines]
    body = {"parent_id": int(original["id"]), "currency": original.get("currency"),
            "customer_id": original.get("customer_id") or 0,
            "billing": original.get("billing") or {}, "shipping": original.get("shipping") or {},
            "payment_method_title": title, "line_items": items,
            "shipping_lines": [{"method_id": "free_shipping", "method_title": title, "total": "0.00"}],
            "meta_data": [{"key": MARKER_KEY, "value": payload.marker},
                          {"key": ORIGINAL_KEY, "value": str(original["id"])}]}
    # set_paid "will set the status to processing and reduce stock items"; a pending order waits for the customer.
    return {**body, "set_paid": True} if owed == ZERO else {**body, "status": "pending"}


def difference_body(amount: Decimal, marker: str) -> dict:
    """The refund on the original of what the exchange costs less, no lines, nothing restocked here."""
    return {"amount": str(amount), "reason": f"returnkit exchange difference {marker}", "api_refund": amount > 0,
            "api_restock": False, "line_items": []}


def plan_exchange(client, payload: act.CreateExchange) -> tuple[dict | None, dict, list[dict], list[str]]:
    """(our order if made already, the original, the priced lines, the variants out of stock now: none once made)."""
    found = marked_child(client, payload.order_id, payload.marker)
    original = client.get(f"orders/{payload.order_id}")
    if not original:
        raise PlatformError(f"woocommerce: order {payload.order_id} is gone", retryable=False)
    products = wanted_products(client, payload.wants)
    short = [] if found else [str(v) for _line, v, qty in payload.wants if not in_stock(products[str(v)], int(qty))]
    return found, original, priced_lines(original, payload.wants, products), short


def refusal(payload: act.CreateExchange, lines: list[dict], short: list[str]) -> str | None:
    """Why the exchange order cannot be made now, in words for the merchant, or None."""
    if short:
        return act.exchange_out_of_stock(short)
    owed = sum((line["owed"] for line in lines), ZERO)
    if owed and not payload.pay_difference:
        return (f"returnkit: the exchange costs {owed} {payload.currency} more than was paid and the policy does not "
                "let the customer pay a difference: decide it on review.")
    return None
