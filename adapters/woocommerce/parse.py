"""WooCommerce webhook bodies (REST v3 resources, as delivered) -> canonical events.

Order reference: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
Times: the *_gmt fields are UTC without an offset; the others are the site's local time (unused).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from adapters.common import PayloadError, count, field, maybe_when, money, split_tags, text, text_id, when
from adapters.woocommerce.product_looks import product_image
from integration.domain import events as ev

TRACKING_META = "_wc_shipment_tracking_items"      # Shipment Tracking, also written by AST
SHIPMENT_STATUS_META = "shipment_status"           # AST / TrackShip per-shipment status
DELIVERED_STATUS = "delivered"                     # AST's custom order status
PRODUCTION_META = "_production_started"            # set by a production workflow, ideally to a date-time
COMPLETED_SHIPMENT = "completed"                   # the fulfillment id of the shipment a completed order stands for
# WooCommerce writes boolean meta as "yes"/"no" (wc_bool_to_string), others write "0"/"false": none of them is a signal.
OFF_VALUES = frozenset({"", "0", "no", "false", "off"})
# Where date-picker and booking plugins keep the customer's date (order or line meta); `_wapbk_booking_date` is
# Booking & Appointment's line meta (tests/fixtures/platform_samples, order 51384). A shop may name its own.
EVENT_DATE_FIELDS = ("Event date", "Pickup date", "Delivery date", "_wapbk_booking_date")
UNPAID_STATUS = "pending"     # "pending payment"; on-hold also holds paid orders (a stock or fraud check)


def _gmt(payload: dict, name: str):
    return when(field(payload, name), name, naive_is_utc=True)


def _meta(payload: dict) -> dict:
    return {m.get("key"): m.get("value") for m in payload.get("meta_data") or () if isinstance(m, dict)}


def _named(payload: dict) -> tuple[tuple[str, str], ...]:
    """The meta entries whose key and value are text, in order."""
    return tuple((m["key"], m["value"]) for m in payload.get("meta_data") or () if isinstance(m, dict)
                 and isinstance(m.get("key"), str) and m["key"] and isinstance(m.get("value"), str))


def _line_signals(line: dict) -> tuple[str, ...]:
    """A line's meta keys that are set, and their text values: what a shop may map to its production start."""
    on = [(k, v) for k, v in _meta(line).items() if isinstance(k, str) and k and _signal_on(v)]
    return tuple(k for k, _ in on) + tuple(v.strip() for _, v in on if isinstance(v, str))


def _line(line: dict) -> ev.OrderLine:
    quantity = max(count(field(line, "quantity"), "line_items.quantity"), 1)
    product = line.get("variation_id") or line.get("product_id")
    # A line's `total` is after discounts and before tax, its `total_tax` the tax on it (REST v3 line item properties).
    return ev.OrderLine(
        id=text_id(field(line, "id")), title=line.get("name") or "", quantity=quantity,
        unit_price=money(field(line, "total"), "line_items.total") / quantity,
        unit_tax=money(line.get("total_tax") or 0, "line_items.total_tax") / quantity,
        product_id=text_id(line["product_id"]) if line.get("product_id") else None,
        variant_id=text_id(product) if product else None, sku=line.get("sku") or None,
        signals=_line_signals(line), production_started_at=_meta_time(_meta(line).get(PRODUCTION_META)))


def _signal_on(value) -> bool:
    """Whether a meta value says "set": not empty, and not one of the ways WordPress plugins spell false."""
    return value.strip().lower() not in OFF_VALUES if isinstance(value, str) else bool(value)


def _meta_time(value):
    """A meta value that is a date-time with an offset, else None."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _site_zone(payload: dict) -> timezone:
    """The store's UTC offset, read off the order's own local and GMT modification times."""
    try:
        local = datetime.fromisoformat(payload["date_modified"])
        gmt = datetime.fromisoformat(payload["date_modified_gmt"])
    except (KeyError, TypeError, ValueError):
        return timezone.utc
    return timezone(timedelta(minutes=round((local - gmt).total_seconds() / 60)))


def _delivered_at(payload: dict, meta: dict):
    """When a tracking plugin says the order was delivered: the last of its parcels, once every one is."""
    # Shipment Tracking's items carry no delivery at all (tracking_provider, tracking_number, date_shipped:
    # https://woocommerce.com/document/shipment-tracking/shipment-tracking-rest-api-create-tracking-item/).
    # AST with TrackShip keeps `shipment_status`, one entry per tracking item: {status, status_date (store local
    # time, e.g. "2021-07-27 15:28:02"), est_delivery_date, tracking_events} (zorem/woo-advanced-shipment-tracking,
    # get_wc_shipment_status_for_preview). An estimate is not a delivery and is never read.
    raw = meta.get(SHIPMENT_STATUS_META) or ()
    # A PHP array whose keys are not 0..n-1 arrives as a JSON object.
    shipments = [s for s in (raw.values() if isinstance(raw, dict) else raw) if isinstance(s, dict)]
    if shipments and all(s.get("status") == "delivered" and s.get("status_date") for s in shipments):
        zone = _site_zone(payload)
        return max(when(s["status_date"], "shipment_status.status_date", naive_is_utc=True).replace(tzinfo=zone)
                   for s in shipments)
    return _gmt(payload, "date_modified_gmt") if payload.get("status") == DELIVERED_STATUS else None


def _amounts(payload: dict) -> tuple[Decimal, Decimal]:
    """(the order's total, what of it has been paid): all once paid (or past pending), nothing while pending."""
    # No deposit plugin's meta is read: none is in the samples; a partial payment would need one.
    total = money(payload.get("total") or 0, "total")
    unpaid = payload.get("status") == UNPAID_STATUS and not payload.get("date_paid_gmt")
    return total, Decimal(0) if unpaid else total


def _refunds(payload: dict) -> tuple[ev.RefundRecorded, ...]:
    modified = _gmt(payload, "date_modified_gmt")
    return tuple(ev.RefundRecorded(text_id(payload["id"]), text_id(field(r, "id")), abs(money(r.get("total", 0))),
                                   modified) for r in payload.get("refunds") or ())


def parse_order(payload: dict) -> list:
    """order.created, updated, restored: the order, its embedded refunds and its shipments."""
    meta = _meta(payload)
    modified = _gmt(payload, "date_modified_gmt")
    status = text(payload.get("status"), "status")
    customer = payload.get("customer_id")
    # WordPress's meta keys are text; anything else a body carries there is no signal the merchant could name.
    signals = (status or "",) + tuple(k for k, v in meta.items() if isinstance(k, str) and k and _signal_on(v))
    attributes = _named(payload) + tuple(p for li in payload.get("line_items") or () if isinstance(li, dict)
                                         for p in _named(li))
    total, paid = _amounts(payload)
    order = ev.OrderSeen(
        order_id=text_id(field(payload, "id")), updated_at=modified, number=str(payload.get("number") or payload["id"]),
        currency=field(payload, "currency"), placed_at=_gmt(payload, "date_created_gmt"),
        lines=tuple(_line(li) for li in field(payload, "line_items")),
        shipping_paid=money(payload.get("shipping_total") or 0, "shipping_total"),
        shipping_tax=money(payload.get("shipping_tax") or 0, "shipping_tax"),
        destination_country=(payload.get("shipping") or {}).get("country") or (payload.get("billing") or {}).get("country") or None,
        customer_ref=text_id(customer) if customer else None,
        customer_email=(payload.get("billing") or {}).get("email") or None,
        cancelled_at=modified if status == "cancelled" else None, status=status, production_signals=signals,
        delivered_at=_delivered_at(payload, meta), refunds=_refunds(payload),
        production_started_at=_meta_time(meta.get(PRODUCTION_META)), attributes=attributes,
        event_date=ev.attribute(attributes, EVENT_DATE_FIELDS), total_price=total, amount_paid=paid)
    return [order, *(_tracking(payload, meta, modified) or _completed_shipment(payload, status))]


def _shipped_at(shipped, modified):
    """Shipment Tracking's date_shipped (a Unix time), else the order's modified time."""
    if not (isinstance(shipped, (int, str)) and str(shipped).isdigit()):
        return modified
    try:
        return datetime.fromtimestamp(int(shipped), timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise PayloadError(f"date_shipped: {str(shipped)[:20]} is not a Unix time") from None


def _tracking(payload: dict, meta: dict, modified) -> list:
    out = []
    for item in meta.get(TRACKING_META) or ():
        if not isinstance(item, dict) or not item.get("tracking_number"):
            continue
        shipped_at = _shipped_at(item.get("date_shipped"), modified)
        out.append(ev.FulfillmentSeen(
            order_id=text_id(payload["id"]), fulfillment_id=str(item.get("tracking_id") or item["tracking_number"]),
            updated_at=shipped_at, status="success", tracking_numbers=(str(item["tracking_number"]),)))
    return out


def _completed_shipment(payload: dict, status: str | None) -> list:
    """A `completed` order with no tracking plugin's shipment: core's completion is when it shipped."""
    # REST v3: date_completed_gmt is "the date the order was completed, as GMT"; core sets it on the status change.
    if status != "completed" or not payload.get("date_completed_gmt"):
        return []
    return [ev.FulfillmentSeen(order_id=text_id(payload["id"]), fulfillment_id=COMPLETED_SHIPMENT,
                               updated_at=_gmt(payload, "date_completed_gmt"), status="success")]


def parse_order_deleted(payload: dict) -> list:
    """order.deleted: the body is only {"id": N}."""
    return [ev.OrderDeleted(text_id(field(payload, "id")))]


def parse_product(payload: dict) -> list:
    """product.created and updated; categories stand in for Shopify's product type (variation titles: the client)."""
    categories = [c.get("name") for c in payload.get("categories") or () if isinstance(c, dict) and c.get("name")]
    ships = not (payload.get("virtual") or payload.get("downloadable"))
    tags = split_tags(payload.get("tags")) + tuple(
        t.get("slug") for t in payload.get("tags") or () if isinstance(t, dict) and t.get("slug"))
    return [ev.ProductSeen(
        product_id=text_id(field(payload, "id")), title=payload.get("name") or "",
        updated_at=maybe_when(payload.get("date_modified_gmt"), "date_modified_gmt", naive_is_utc=True),
        product_type=categories[0] if categories else None, tags=tuple(dict.fromkeys(tags)),
        variants=((text_id(payload["id"]), payload.get("sku") or None, ships),)
        + tuple((text_id(v), None, ships) for v in payload.get("variations") or ()),
        image_url=product_image(payload))]


def parse_product_deleted(payload: dict) -> list:
    """product.deleted."""
    return [ev.ProductDeleted(text_id(field(payload, "id")))]
