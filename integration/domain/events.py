"""Canonical events: what a platform told us, in platform-free terms (adapters produce, ingest consumes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class OrderLine:
    id: str
    title: str
    quantity: int
    unit_price: Decimal                 # paid per unit, after line discounts
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    requires_shipping: bool | None = None
    unit_tax: Decimal = Decimal(0)      # tax paid per unit (the line's taxes over its quantity)
    signals: tuple[str, ...] = ()       # property/meta words a shop may map to "this line's production started"
    production_started_at: datetime | None = None   # when the line's own meta says production began


@dataclass(frozen=True)
class OrderSeen:
    """An order as the platform now states it (create, update, paid, fulfilled, restored)."""
    order_id: str
    updated_at: datetime
    number: str
    currency: str
    placed_at: datetime
    lines: tuple[OrderLine, ...]
    shipping_paid: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    tags: tuple[str, ...] = ()
    destination_country: str | None = None
    is_gift: bool = False
    customer_ref: str | None = None
    customer_email: str | None = None   # personal data: hashed on arrival, kept only encrypted (for emails)
    cancelled_at: datetime | None = None
    status: str | None = None           # the platform's own order status, e.g. WooCommerce's
    production_signals: tuple[str, ...] = ()   # status/meta/tag words a shop may map to "production started"
    production_started_at: datetime | None = None   # when the payload itself says when production began
    delivered_at: datetime | None = None       # when the platform marks the whole order delivered
    refunds: tuple[RefundRecorded, ...] = ()   # refunds embedded in the order payload (WooCommerce)
    # The order's named text values (Shopify note attributes and line properties, WooCommerce order and line meta),
    # where a shop may keep its event date, and the value under the platform's default names for it.
    attributes: tuple[tuple[str, str], ...] = ()
    event_date: str | None = None
    total_price: Decimal | None = None   # tax and shipping included; None: the payload does not say
    amount_paid: Decimal | None = None   # what of it has been received; None: the payload does not say
    customer_tags: tuple[str, ...] | None = None   # None: the payload carries no customer record
    customer_orders_count: int | None = None


def attribute(attributes: tuple[tuple[str, str], ...], names) -> str | None:
    """The value of the first of `names` among the attributes, names compared without case, "-", "_" or spaces."""
    by_name: dict[str, str] = {}
    for name, value in attributes:
        by_name.setdefault(_plain(name), value)
    return next((by_name[_plain(n)] for n in names if _plain(n) in by_name), None)


def _plain(name: str) -> str:
    return "".join(c for c in name.lower() if c not in "-_ ")


@dataclass(frozen=True)
class OrderDeleted:
    order_id: str


@dataclass(frozen=True)
class FulfillmentSeen:
    order_id: str
    fulfillment_id: str
    updated_at: datetime
    line_quantities: tuple[tuple[str, int], ...] = ()
    status: str | None = None
    shipment_status: str | None = None
    tracking_numbers: tuple[str, ...] = ()
    delivered_at: datetime | None = None
    shipped_at: datetime | None = None   # when the shipment was created, where the payload says (else updated_at)


@dataclass(frozen=True)
class ShipmentEvent:
    """A carrier event on a fulfillment: delivered, failure, returned to sender..."""
    order_id: str
    fulfillment_id: str
    status: str
    happened_at: datetime


@dataclass(frozen=True)
class RefundRecorded:
    order_id: str
    refund_id: str
    amount: Decimal
    created_at: datetime
    line_quantities: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ReturnSeen:
    order_id: str | None                 # None when the payload names only the return (returns/decline)
    return_id: str
    status: str                          # requested | open | declined | canceled | closed
    updated_at: datetime | None = None
    line_quantities: tuple[tuple[str, int], ...] = ()
    reason: str | None = None
    note: str | None = None
    # False when the payload left its lines out (Shopify's returns/* may carry none): a request is decided only
    # once they are read from the platform, never as the whole order.
    lines_known: bool = True
    exchange_items: int = 0              # how many exchange line items the return carries (read from the platform)


@dataclass(frozen=True)
class ProductSeen:
    product_id: str
    title: str
    updated_at: datetime | None = None
    product_type: str | None = None
    tags: tuple[str, ...] = ()
    variants: tuple[tuple[str, str | None, bool | None], ...] = ()   # (variant id, sku, requires_shipping)
    image_url: str | None = None   # the product's picture as the platform serves it (unchecked: pages check it)
    looks: tuple[tuple[str, str | None, str | None], ...] = ()   # (variant id, title "Size: M / Colour: Blue", image)


@dataclass(frozen=True)
class ProductDeleted:
    product_id: str


@dataclass(frozen=True)
class AppUninstalled:
    """The merchant removed returnkit from the shop."""


@dataclass(frozen=True)
class CustomerDataRequested:
    customer_ref: str
    order_ids: tuple[str, ...] = ()
    request_id: str | None = None


@dataclass(frozen=True)
class CustomerRedacted:
    customer_ref: str
    order_ids: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ShopRedacted:
    """The platform asks us to delete everything we hold for the shop."""
