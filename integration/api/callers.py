"""Who calls the JSON APIs: the shop whose API key comes as a Bearer token, if any."""
from __future__ import annotations

import hashlib

from flask import request
from sqlalchemy import select

from integration.db.models import Shop


def api_key_hash(key: str) -> str:
    """How a shop's API key is stored: only its SHA-256 (see integration.shops.core.issue_api_key)."""
    return hashlib.sha256(key.encode()).hexdigest()


def sent_key() -> str | None:
    """The Bearer token of this request's Authorization header, if it has one."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def bearer_shop(session) -> Shop | None:
    """The shop whose API key this request sends, or None (no key, or a key of no shop)."""
    key = sent_key()
    if not key:
        return None
    return session.scalar(select(Shop).where(Shop.api_key_hash == api_key_hash(key)))
