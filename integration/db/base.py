"""Declarative base, shared column types and the encrypted-string type."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from integration.secrets import SecretBox

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every backend (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: every stored time must carry its offset")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class _Box:
    box: SecretBox | None = None


def configure_secrets(box: SecretBox) -> None:
    """Install the key ring used by every Encrypted column of this process."""
    _Box.box = box


class Encrypted(TypeDecorator):
    """A string column stored encrypted; plaintext exists only in memory."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _require_box().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else _require_box().decrypt(value)


def email_fingerprint(email: str | None) -> str | None:
    """The keyed hash of an email address (trimmed, lower-cased), or None (also for a non-text value)."""
    if not isinstance(email, str) or not email.strip():
        return None
    return _require_box().fingerprint(email.strip().lower())


def session_signing_key() -> str:
    """The key that signs browser sessions and login links (the same on every process of a deployment)."""
    return _require_box().derive("flask-session")


def _require_box() -> SecretBox:
    if _Box.box is None:
        raise RuntimeError("secrets are not configured: call configure_secrets() at start-up")
    return _Box.box
