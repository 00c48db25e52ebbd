"""Evidence files a customer or merchant attached to a request: the bytes live in the database, the truth on every machine."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from integration.db.base import Base, UTCDateTime, utcnow


class EvidenceFile(Base):
    """One photo or video of one request, owned by one shop."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("return_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))             # photo | video
    content_type: Mapped[str] = mapped_column(String(100))    # sniffed from the bytes, not as declared
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))        # sanitized: a bare, safe name
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deferred: listing a request's evidence must not load every video into memory.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
