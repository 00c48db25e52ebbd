"""Requests, their decisions, and the outbox of actions each decision pushes back to the platform."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integration.db.base import Base, UTCDateTime, utcnow


class ReturnCase(Base):
    """One customer request (return, exchange, cancellation, warranty) on one order."""

    __tablename__ = "return_cases"
    __table_args__ = (UniqueConstraint("shop_id", "source", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))           # api | shopify_return
    source_ref: Mapped[str] = mapped_column(String(100))      # platform return id, or a request key
    # An API request's body, hashed: its Idempotency-Key (source_ref) sent again with another body is a 409.
    request_fingerprint: Mapped[str | None] = mapped_column(String(32))
    request: Mapped[dict] = mapped_column(JSON)               # the contract's request object
    description: Mapped[str | None] = mapped_column(Text)     # the customer's own words (personal data: redacted)
    status: Mapped[str] = mapped_column(String(20), default="open")   # open | decided | closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id", cascade="all, delete-orphan")


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), index=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    document: Mapped[dict] = mapped_column(JSON)              # the contract's decision, as emitted
    decided_by: Mapped[str] = mapped_column(String(100), default="policy")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actions: Mapped[list[Action]] = relationship(order_by="Action.id", cascade="all, delete-orphan")


class Action(Base):
    """An outbox row: one effect on the platform, run by id, at most once per idempotency key."""

    __tablename__ = "actions"
    __table_args__ = (UniqueConstraint("idempotency_key"), Index("ix_actions_due", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    decision_pk: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending|running|succeeded|retrying|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    progress: Mapped[dict | None] = mapped_column(JSON)  # steps of a multi-step action already done (a label bought)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt_log: Mapped[list[ActionAttempt]] = relationship(order_by="ActionAttempt.id", cascade="all, delete-orphan")


class ActionAttempt(Base):
    __tablename__ = "action_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_pk: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))           # succeeded | retryable | throttled | failed | lease-expired
    response: Mapped[str | None] = mapped_column(Text)        # redacted, truncated


class OrderLock(Base):
    """A lease on one order of one shop: the holder alone may run a look-then-create step on it."""

    __tablename__ = "order_locks"

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReturnParcel(Base):
    """A return label we bought and how far its parcel has come; each step's time is written once."""

    __tablename__ = "return_parcels"
    __table_args__ = (UniqueConstraint("shop_id", "shipment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), index=True)
    action_pk: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))   # the return_label action
    shipment_id: Mapped[str] = mapped_column(String(100))
    tracker_id: Mapped[str | None] = mapped_column(String(100))
    tracking_code: Mapped[str | None] = mapped_column(String(100))
    step: Mapped[str] = mapped_column(String(20), default="label_created")  # label_created|in_transit|delivered|expired
    carrier_status: Mapped[str | None] = mapped_column(String(40))
    label_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    in_transit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
