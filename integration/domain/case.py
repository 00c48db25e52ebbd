"""A decision case: one request on one order, as the policy engine sees it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# Marks a line that carries no delivery date of its own (the order's applies).
INHERIT = object()
# A returned item's packaging as the customer or the inspection reports it (absent: unknown).
PACKAGING = ("original", "not_original")


@dataclass(frozen=True, slots=True)
class LineItem:
    id: str
    title: str
    quantity: int
    unit_price: Decimal
    sku: str | None = None
    tags: tuple[str, ...] = ()
    product_type: str | None = None
    requires_shipping: bool | None = None
    delivered_at: datetime | None | object = INHERIT
    unit_tax: Decimal = Decimal("0")
    refunded_quantity: int = 0     # units already refunded, returned or cancelled
    shipped_at: datetime | None | object = INHERIT
    production_started_at: datetime | None | object = INHERIT

    @property
    def open_quantity(self) -> int:
        """Units that can still be asked for: ordered, less those already refunded, returned or cancelled."""
        return max(self.quantity - self.refunded_quantity, 0)


@dataclass(frozen=True, slots=True)
class Customer:
    """What the shop knows of the customer (the contract's `customer`); counts are None when not known."""
    tags: tuple[str, ...] = ()
    orders_count: int | None = None
    requests_last_365_days: int | None = None
    refunded_last_365_days: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    currency: str
    placed_at: datetime
    line_items: tuple[LineItem, ...]
    shop_country: str | None = None
    destination_country: str | None = None
    is_gift: bool = False
    shipping_paid: Decimal = Decimal("0")
    production_started_at: datetime | None = None
    delivered_at: datetime | None = None
    tags: tuple[str, ...] = ()
    shipping_tax: Decimal = Decimal("0")
    shipped_at: datetime | None = None
    delivery_assumed_after_days: int | None = None   # delivered_at is shipped_at + this, not a carrier's word
    customer: Customer | None = None
    event_at: datetime | None = None          # the pick-up, delivery or event date the customer set
    amount_paid: Decimal | None = None        # paid so far (tax and shipping included); None: paid in full
    milestones: tuple[tuple[str, datetime | None], ...] = ()   # merchant-defined stages and when each was reached

    def line(self, line_item_id: str) -> LineItem | None:
        """The order's line with this id, or None."""
        return next((li for li in self.line_items if li.id == line_item_id), None)

    def production_started_at_for(self, line: LineItem) -> datetime | None:
        """When this line went into production (its own date when made one at a time)."""
        return self.production_started_at if line.production_started_at is INHERIT else line.production_started_at

    def shipped_at_for(self, line: LineItem) -> datetime | None:
        """When this line left (its own date when it shipped separately)."""
        return self.shipped_at if line.shipped_at is INHERIT else line.shipped_at

    def milestone(self, name: str) -> datetime | None:
        """When the order reached the merchant's stage `name`, or None if it has not (or is not known)."""
        return dict(self.milestones).get(name)

    def delivered_at_for(self, line: LineItem) -> datetime | None:
        """Carrier-confirmed delivery of this line (its own date when it shipped separately)."""
        return self.delivered_at if line.delivered_at is INHERIT else line.delivered_at

    @property
    def units(self) -> int:
        """Total units ordered."""
        return sum(li.quantity for li in self.line_items)

    @property
    def is_international(self) -> bool:
        """True when the order ships to another country than the shop's."""
        return bool(self.shop_country and self.destination_country
                    and self.shop_country != self.destination_country)


@dataclass(frozen=True, slots=True)
class ExchangeFor:
    """What the customer wants instead of a line: the platform's variant id, and how many (the line's by default)."""
    variant_id: str
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class RequestItem:
    line_item_id: str
    quantity: int
    condition: str | None = None
    exchange_in_stock: bool | None = None
    exchange_for: ExchangeFor | None = None
    packaging: str | None = None          # one of PACKAGING; None: not known


@dataclass(frozen=True, slots=True)
class Evidence:
    photos: int = 0
    videos: int = 0
    description: bool = False
    provided: tuple[str, ...] = ()   # our addition: the merchant's own evidence kinds the customer supplied


@dataclass(frozen=True, slots=True)
class Request:
    type: str
    submitted_at: datetime
    reason: str | None = None
    items: tuple[RequestItem, ...] = ()
    evidence: Evidence = field(default_factory=Evidence)
    preferred_resolution: str | None = None
    inspected: bool = False
    edit: object | None = None     # an edit request's details: integration.domain.edits.Edit
    reason_confirmed: bool | None = None   # the inspection confirmed (or rejected) the reason; None: not checked
    return_label_cost: Decimal | None = None   # what the shop paid for the prepaid return label; None: not known


@dataclass(frozen=True, slots=True)
class Case:
    request: Request
    order: Order
    id: str | None = None
