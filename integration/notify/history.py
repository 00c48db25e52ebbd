"""What the settings page shows of the message outbox: one shop's emails, and one endpoint's delivery log."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from integration.db.notify_models import Message

PAGE_SIZE = 50


def emails_of(session: Session, shop_id: int, limit: int = PAGE_SIZE) -> list[Message]:
    """The shop's latest customer emails (the local outbox when no mail server is set), newest first."""
    return list(session.scalars(select(Message).where(Message.shop_id == shop_id, Message.channel == "email")
                                .order_by(Message.id.desc()).limit(limit)))


def deliveries_of(session: Session, shop_id: int, endpoint_id: int, limit: int = PAGE_SIZE) -> list[Message]:
    """One endpoint's latest deliveries with their attempts, newest first."""
    return list(session.scalars(select(Message).options(selectinload(Message.attempt_log)).where(
        Message.shop_id == shop_id, Message.endpoint_pk == endpoint_id).order_by(Message.id.desc()).limit(limit)))
