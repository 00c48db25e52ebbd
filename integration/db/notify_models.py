"""Telling people: announcements of a request's steps, the message outbox (emails, outbound webhooks), endpoints."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integration.db.base import Base, Encrypted, UTCDateTime, utcnow


class Announcement(Base):
    """One step of one request, announced once: the unique key is what makes a replay record nothing new."""

    __tablename__ = "announcements"
    __table_args__ = (UniqueConstraint("case_pk", "event", "step_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    case_pk: Mapped[int | None] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"))  # None: a test
    event: Mapped[str] = mapped_column(String(40))
    step_key: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(Base):
    """A merchant's own tool that gets outbound webhooks: its URL, the events it wants, its signing secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(1000))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(Encrypted(1024))     # whsec_..., shown to the merchant, never logged
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Message(Base):
    """An outbox row: one email to the customer or one webhook delivery to one endpoint, sent at most once."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("dedupe_key"), Index("ix_messages_due", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    announcement_pk: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    endpoint_pk: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))          # email | webhook
    dedupe_key: Mapped[str] = mapped_column(String(120))      # also the webhook-id, the same on every retry
    step: Mapped[str] = mapped_column(String(40))             # the email step, or the webhook's event type
    recipient: Mapped[str | None] = mapped_column(Encrypted(1024))   # the customer's address: personal data
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)            # the email's text, or the webhook's JSON payload
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending|running|succeeded|retrying|dead|skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)      # or why it was skipped (never the recipient)
    response_code: Mapped[int | None] = mapped_column(Integer)
    transport: Mapped[str | None] = mapped_column(String(20))  # local | smtp | http
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt_log: Mapped[list[MessageAttempt]] = relationship(order_by="MessageAttempt.id",
                                                             cascade="all, delete-orphan")


class MessageAttempt(Base):
    __tablename__ = "message_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))           # succeeded | retryable | failed | lease-expired
    response_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)           # short, never a secret or an address
