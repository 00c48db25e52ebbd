"""The emulated store's GET /orders list, as WC_REST_Orders_Controller answers it: modified_after (GMT with
dates_are_gmt=true, else the site's local time), orderby date|modified|id, order asc|desc, per_page and page."""
from __future__ import annotations

from datetime import datetime

ORDER_BY = {"date": "date_created_gmt", "modified": "date_modified_gmt", "id": "id"}


# An order a test added with only an id and a total has no dates: it sorts and filters as the oldest.
_NEVER = "1970-01-01T00:00:00"


def _moment(order: dict, name: str):
    return int(order["id"]) if name == "id" else datetime.fromisoformat(order.get(name) or _NEVER)


def list_orders_page(orders, args) -> list[dict]:
    """One page of the orders list for these query arguments."""
    gmt = args.get("dates_are_gmt") in ("true", "1")
    after = args.get("modified_after")
    chosen = [o for o in orders
              if not after or datetime.fromisoformat(o.get("date_modified_gmt" if gmt else "date_modified") or _NEVER)
              > datetime.fromisoformat(after)]
    key = ORDER_BY.get(args.get("orderby", "date"), "date_created_gmt")
    chosen.sort(key=lambda o: (_moment(o, key), int(o["id"])), reverse=args.get("order", "desc") == "desc")
    per_page, page = min(int(args.get("per_page", 10)), 100), int(args.get("page", 1))
    return chosen[(page - 1) * per_page: page * per_page]
