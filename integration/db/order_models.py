"""The per-shop order picture: orders, lines, fulfillments, refunds, return requests, and the product cache."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integration.db.base import Base, Encrypted, UTCDateTime

Money = Numeric(20, 6)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("shop_id", "order_id"),
                      Index("ix_orders_shop_customer_email", "shop_id", "customer_email_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    platform_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str | None] = mapped_column(String(40))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    is_gift: Mapped[bool] = mapped_column(default=False)
    shipping_paid: Mapped[Decimal] = mapped_column(Money, default=0)
    shipping_tax: Mapped[Decimal] = mapped_column(Money, default=0, server_default="0")
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # the first shipment left
    refunded_total: Mapped[Decimal] = mapped_column(Money, default=0)
    destination_country: Mapped[str | None] = mapped_column(String(2))
    customer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    # A keyed hash of the buyer's email: lets a customer prove the order is theirs without our storing the email.
    customer_email_hash: Mapped[str | None] = mapped_column(String(64))
    # The buyer's address, encrypted, for the emails about their requests (integration/notify); gone on redact.
    customer_email: Mapped[str | None] = mapped_column(Encrypted(1024))
    production_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the platform marked the whole order
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # customers/redact: never write back to them
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)      # the customer's event / pick-up date
    milestones: Mapped[dict | None] = mapped_column(JSON, default=dict)  # {stage: ISO time first signalled}
    # What the platform last said was paid of its total (tax and shipping included); None: it has not said.
    total_price: Mapped[Decimal | None] = mapped_column(Money)
    amount_paid: Mapped[Decimal | None] = mapped_column(Money)
    customer_tags: Mapped[list | None] = mapped_column(JSON, default=list)
    customer_orders_count: Mapped[int | None] = mapped_column(Integer)

    lines: Mapped[list[OrderLine]] = relationship(cascade="all, delete-orphan", order_by="OrderLine.position")
    fulfillments: Mapped[list[Fulfillment]] = relationship(cascade="all, delete-orphan", order_by="Fulfillment.id")
    refunds: Mapped[list[OrderRefund]] = relationship(cascade="all, delete-orphan", order_by="OrderRefund.id")
    returns: Mapped[list[ReturnRequest]] = relationship(cascade="all, delete-orphan", order_by="ReturnRequest.id")


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_pk", "line_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    line_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(64))
    variant_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    sku: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    unit_tax: Mapped[Decimal] = mapped_column(Money, default=0, server_default="0")
    requires_shipping: Mapped[bool | None] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    production_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # this line's own signal


class Fulfillment(Base):
    __tablename__ = "fulfillments"
    __table_args__ = (UniqueConstraint("order_pk", "fulfillment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    fulfillment_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(40))
    shipment_status: Mapped[str | None] = mapped_column(String(40))
    tracking_numbers: Mapped[list] = mapped_column(JSON, default=list)
    line_quantities: Mapped[list] = mapped_column(JSON, default=list)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    platform_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # when it was created (its lines left)


class OrderRefund(Base):
    __tablename__ = "order_refunds"
    __table_args__ = (UniqueConstraint("order_pk", "refund_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    refund_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    line_quantities: Mapped[list] = mapped_column(JSON, default=list)


class ReturnRequest(Base):
    __tablename__ = "return_requests"
    __table_args__ = (UniqueConstraint("order_pk", "return_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    return_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)   # the customer's words: personal data, redactable
    line_quantities: Mapped[list] = mapped_column(JSON, default=list)
    platform_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("shop_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    product_type: Mapped[str | None] = mapped_column(String(255))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    variants: Mapped[list] = mapped_column(JSON, default=list)   # [[variant id, sku, requires_shipping]]
    image_url: Mapped[str | None] = mapped_column(String(2048))   # as the platform gave it: pages show https only
    looks: Mapped[dict | None] = mapped_column(JSON)   # {variant id: [title, image url]}; None on rows from before 0017
    platform_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted: Mapped[bool] = mapped_column(default=False)
