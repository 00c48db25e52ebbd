"""Idempotency keys of the request API, scoped to who asks and bound to what they asked.

A request taken through the API is stored with source_ref `idem:<scope>:<body>`: <scope> hashes the caller (the
shop, or the customer on their order) with the key, so one caller's key never finds another caller's request, and
<body> is the fingerprint of the order, the request and its files, so a key sent again with another body is told
apart (a 409) instead of answered with the first request. Without a key, the body is the key: the same body sent
twice is one request.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.requests.decide import RequestError
from integration.requests.evidence import ValidFile

MAX_KEY_CHARS = 200
_HASH_CHARS = 32   # of each SHA-256 hex digest: `idem:` + 32 + `:` + 32 fits source_ref's 100 characters


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:_HASH_CHARS]


def fingerprint(order: Order, request: dict, files: Sequence[ValidFile]) -> str:
    """What the request asks, independent of how its JSON was written: the order, the request and the files."""
    canonical = json.dumps({"order": order.id, "request": request}, sort_keys=True, default=str)
    return _digest(canonical + "".join(f.sha256 for f in files))


def _checked(key: str | None) -> str | None:
    if key is not None and not (0 < len(key) <= MAX_KEY_CHARS and key.isascii() and key.isprintable()):
        raise RequestError([f"Idempotency-Key: send 1 to {MAX_KEY_CHARS} printable ASCII characters "
                            "(a UUID is a good key)"], 400)
    return key


def source_ref(caller: str, key: str | None, order: Order, request: dict, files: Sequence[ValidFile]) -> str:
    """The request's source_ref for this caller ('shop', or 'customer:<order id>'), key and body."""
    body = fingerprint(order, request, files)
    scope = _digest(f"{caller}\0{_checked(key) or 'body:' + body}")
    return f"idem:{scope}:{body}"


def reused_key(session: Session, shop: Shop, ref: str) -> ReturnCase | None:
    """The shop's request first taken with the same caller and key as `ref`, whatever its body."""
    scope = ref.rsplit(":", 1)[0] + ":"
    return session.scalar(select(ReturnCase).where(ReturnCase.shop_id == shop.id, ReturnCase.source == "api",
                                                   ReturnCase.source_ref.startswith(scope, autoescape=True))
                          .order_by(ReturnCase.id).limit(1))
