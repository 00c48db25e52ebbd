"""Tables for shops and their policies, and the webhook inbox (the order picture lives in order_models)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integration.db.base import Base, Encrypted, UTCDateTime, utcnow


class Shop(Base):
    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("platform", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | uninstalled
    is_demo: Mapped[bool] = mapped_column(default=False)
    webhook_secret: Mapped[str] = mapped_column(Encrypted(1024))
    previous_webhook_secret: Mapped[str | None] = mapped_column(Encrypted(1024))
    api_token: Mapped[str | None] = mapped_column(Encrypted(1024))
    consumer_key: Mapped[str | None] = mapped_column(Encrypted(1024))
    consumer_secret: Mapped[str | None] = mapped_column(Encrypted(1024))
    easypost_api_key: Mapped[str | None] = mapped_column(Encrypted(1024))  # the merchant's, for return labels
    easypost_webhook_secret: Mapped[str | None] = mapped_column(Encrypted(1024))  # signs its tracker webhooks
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # sha256 of the shop's API key
    api_base_url: Mapped[str | None] = mapped_column(String(500))
    # Shopify expiring offline tokens: refreshed before token_expires_at (None: a token that does not expire)
    refresh_token: Mapped[str | None] = mapped_column(Encrypted(1024))
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scopes: Mapped[str | None] = mapped_column(String(1000))   # granted access scopes, comma-separated
    # e.g. how "production started" is signalled, the return address, the default return parcel
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    policy_version: Mapped[PolicyVersion | None] = relationship(foreign_keys=[policy_version_id])

    @property
    def active(self) -> bool:
        """True while the app is installed and working for this shop."""
        return self.status == "active"


class PolicyVersion(Base):
    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("shop_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str] = mapped_column(String(100))
    document: Mapped[str] = mapped_column(Text)  # the YAML exactly as saved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """The inbox: every accepted delivery, stored before it is processed; the queue carries its id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("shop_id", "dedupe_key"),
                      Index("ix_webhook_deliveries_status", "status", "received_at"),
                      # One processed delivery per version of a resource (a webhook and a sweep of one change).
                      Index("uq_webhook_deliveries_shop_version", "shop_id", "version_key", unique=True,
                            sqlite_where=text("version_key IS NOT NULL"),
                            postgresql_where=text("version_key IS NOT NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(100))
    dedupe_key: Mapped[str] = mapped_column(String(255))    # the platform's delivery identity (a sweep's: the version)
    version_key: Mapped[str | None] = mapped_column(String(255))   # set when processed (a sweep's: when stored)
    delivery_id: Mapped[str | None] = mapped_column(String(255))
    event_id: Mapped[str | None] = mapped_column(String(255))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    customer_ref: Mapped[str | None] = mapped_column(String(100), index=True)  # for customers/redact
    headers: Mapped[dict] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once redacted
    status: Mapped[str] = mapped_column(String(20), default="received")  # received|processed|ignored|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplianceExport(Base):
    """What we hold about one customer, assembled for a data request (customers/data_request)."""

    __tablename__ = "compliance_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    customer_ref: Mapped[str] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(100))
    document: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingInstall(Base):
    """An install that has started and not finished: the nonce the platform must send back."""

    __tablename__ = "pending_installs"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(255))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    policy_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookSubscription(Base):
    """A webhook returnkit created on the platform for a shop (one per topic), and its own secret."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (UniqueConstraint("shop_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(100))
    remote_id: Mapped[str | None] = mapped_column(String(255))   # the platform's id for it
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(Encrypted(1024))  # WooCommerce: each webhook signs with its own
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | disabled | missing
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
