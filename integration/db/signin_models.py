"""Sign-ins that no longer work before their time: a one-time sign-in link once used, a session once signed out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from integration.db.base import Base, UTCDateTime, utcnow


class SpentSignin(Base):
    """A used sign-in link ("link:<nonce>") or a signed-out session ("session:<id>"), kept until it would have
    expired anyway; then the periodic purge removes it."""

    __tablename__ = "spent_signins"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
