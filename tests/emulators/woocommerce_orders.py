"""The emulated store's orders as WooCommerce core answers for them: the GET /orders list (WC_REST_Orders_Controller:
modified_after, GMT with dates_are_gmt=true, else the site's local time; orderby date|modified|id; order asc|desc;
per_page and page), pages of a collection, and the refunds wc_create_refund keeps."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

CENT = Decimal("0.01")   # the store's price decimals (wc_get_price_decimals)
ORDER_BY = {"date": "date_created_gmt", "modified": "date_modified_gmt", "id": "id"}


# An order a test added with only an id and a total has no dates: it sorts and filters as the oldest.
_NEVER = "1970-01-01T00:00:00"


def _moment(order: dict, name: str):
    return int(order["id"]) if name == "id" else datetime.fromisoformat(order.get(name) or _NEVER)


def list_orders_page(orders, args, unreadable=frozenset()) -> tuple[list[dict], dict]:
    """One page of the orders list for these query arguments, and its paging headers (see `paged`)."""
    gmt = args.get("dates_are_gmt") in ("true", "1")
    after, parents = args.get("modified_after"), {int(p) for p in str(args.get("parent") or "").split(",") if p}
    # `parent`: "Limit result set to those of particular parent IDs" (woocommerce.github.io/woocommerce-rest-api-docs
    # /#list-all-orders).
    chosen = [o for o in orders if not parents or int(o.get("parent_id") or 0) in parents]
    chosen = [o for o in chosen
              if not after or datetime.fromisoformat(o.get("date_modified_gmt" if gmt else "date_modified") or _NEVER)
              > datetime.fromisoformat(after)]
    key = ORDER_BY.get(args.get("orderby", "date"), "date_created_gmt")
    chosen.sort(key=lambda o: (_moment(o, key), int(o["id"])), reverse=args.get("order", "desc") == "desc")
    return paged(chosen, args, unreadable)


class RestError(Exception):
    """A WP_Error as the REST server answers it: the HTTP status, and the error's code, message and data."""

    def __init__(self, status: int, code: str, message: str, data=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.data = {"status": status} if data is None else data


def paged(items: list, args, unreadable=frozenset()) -> tuple[list, dict]:
    """One page of a collection and its X-WP-Total and X-WP-TotalPages headers; records whose id is in
    `unreadable` are counted in both but left out of the page."""
    # WC_REST_CRUD_Controller::get_items; WP_REST_Controller::get_collection_params: per_page 10 unless asked, 1..100.
    # The headers count what the query matched (https://developer.wordpress.org/rest-api/using-the-rest-api/
    # pagination/); get_items then skips each object wc_rest_check_post_permissions( ..., 'read', id ) refuses
    # the key's user, so such a page is short while later pages still hold records.
    per_page, page = int(args.get("per_page", 10)), int(args.get("page", 1))
    if not 1 <= per_page <= 100:
        raise RestError(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(-(-len(items) // per_page))}
    return [i for i in items[(page - 1) * per_page: page * per_page] if str(i.get("id")) not in unreadable], headers


def _decimal(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT) if value not in (None, "") else Decimal(0).quantize(CENT)


def refund_request(body: dict) -> dict:
    """The create-refund body in WooCommerce's internal form: flags defaulted, lines by id, the amount filled in."""
    # src/Internal/RestApiUtil.php adjust_create_refund_request_parameters: api_refund and api_restock are true unless
    # sent as booleans; an amount left out is every line's refund_total and refund_tax summed, when all are given.
    lines = {str(li["id"]): {"qty": li.get("quantity", 0), "refund_total": li.get("refund_total"),
                             "refund_tax": {str(t["id"]): t["refund_total"] for t in li.get("refund_tax") or []}}
             for li in body.get("line_items") or []}
    amount = body.get("amount")
    if amount is None and lines and all(li["refund_total"] is not None for li in lines.values()):
        amount = sum(_decimal(li["refund_total"]) + sum(map(_decimal, li["refund_tax"].values()))
                     for li in lines.values())
    asked = {key: body.get(key) if isinstance(body.get(key), bool) else True for key in ("api_refund", "api_restock")}
    return {**asked, "reason": body.get("reason") or "", "amount": _decimal(amount), "line_items": lines}


def _negative(value: Decimal) -> str:
    return str(Decimal(0).quantize(CENT) - value)


def refunded_from(item: dict) -> str | None:
    """The order item a refund's item gives back (its _refunded_item_id meta)."""
    return next((str(m["value"]) for m in item.get("meta_data") or [] if m["key"] == "_refunded_item_id"), None)


def _refunded_item(item: dict, asked: dict, next_id) -> dict:
    """The order's item copied into the refund with negative totals, as wc_create_refund adds it."""
    total, taxes = _decimal(asked["refund_total"]), {rate: _decimal(v) for rate, v in asked["refund_tax"].items()}
    out = {"id": next_id(), "total": _negative(total), "total_tax": _negative(sum(taxes.values(), Decimal(0))),
           "taxes": [{"id": int(rate), "total": _negative(v), "subtotal": _negative(v)} for rate, v in taxes.items()],
           "meta_data": [{"key": "_refunded_item_id", "value": str(item["id"])}]}
    if "quantity" not in item:   # a shipping line: WC_Order_Item_Shipping has no quantity to set
        return {**out, "method_id": item.get("method_id"), "method_title": item.get("method_title")}
    return {**out, "name": item.get("name"), "product_id": item.get("product_id"), "quantity": -int(asked["qty"] or 0),
            "subtotal": out["total"]}


def _check_quantity(item: dict, qty: int, refunds: list) -> None:
    """Refuse more units than the line has left."""
    # Stricter than core, whose REST path never checks a line's quantity (only the admin screen caps it): units
    # refunded twice would be a returnkit bug the store would keep silently, so the emulator makes it loud.
    gone = -sum(li["quantity"] for r in refunds for li in r["line_items"] if refunded_from(li) == str(item["id"]))
    if qty > int(item["quantity"]) - gone:
        raise RestError(400, "emulator_refund_quantity_exceeds_line",
                        f"Line {item['id']}: {qty} to refund, {int(item['quantity']) - gone} left.")


def new_refund(order: dict, refunds: list, asked: dict, next_id) -> dict:
    """The refund WooCommerce would keep for this request, or the RestError it answers."""
    # Version3/class-wc-rest-order-refunds-controller.php refuses a negative amount; wc_create_refund
    # (includes/wc-order-functions.php) one above the order's remaining refund amount, then copies each of the
    # order's items named in line_items negative into the refund (ids not on the order are skipped).
    remaining = _decimal(order["total"]) - sum((_decimal(r["amount"]) for r in refunds), Decimal(0))
    if asked["amount"] < 0:   # a bare 400 as the WP_Error's data: the REST server answers 500
        raise RestError(500, "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.", 400)
    if asked["amount"] > remaining:
        raise RestError(500, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.", 500)
    kept = {"line_items": [], "shipping_lines": []}
    for kind in kept:
        for item in order.get(kind) or []:
            wanted = asked["line_items"].get(str(item["id"]))
            if not wanted or not (wanted["qty"] or _decimal(wanted["refund_total"]) or wanted["refund_tax"]):
                continue
            if kind == "line_items":
                _check_quantity(item, int(wanted["qty"] or 0), refunds)
            kept[kind].append(_refunded_item(item, wanted, next_id))
    return {"id": next_id(), "amount": str(asked["amount"]), "reason": asked["reason"], "refunded_by": 1,
            "refunded_payment": False, "meta_data": [], **kept, "tax_lines": [], "fee_lines": []}
