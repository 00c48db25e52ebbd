"""Idempotency keys of the request API, scoped to who asks and bound to what they asked.

A request taken through the API is stored with source_ref `idem:<scope>`, where <scope> hashes the caller (the
shop, or the customer on their order) with the key, so one caller's key never finds another caller's request; its
request_fingerprint is what was asked (the order, the request and its files), so a key sent again with another body
is told apart (a 409) instead of answered with the first request. The shop's one request per source_ref (a unique
constraint) makes two first calls with one key at the same instant one request: the second insert fails, and
taken again it finds the first. Without a key, the body is the key: the same body sent twice is one request.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import NamedTuple

from integration.db.order_models import Order
from integration.requests.decide import RequestError
from integration.requests.evidence import ValidFile

MAX_KEY_CHARS = 200
_HASH_CHARS = 32   # of each SHA-256 hex digest (request_fingerprint holds 32)


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


class RequestKey(NamedTuple):
    ref: str            # the request's source_ref: one request per caller and key, per shop
    fingerprint: str    # what the request asks


def request_key(caller: str, key: str | None, order: Order, request: dict, files: Sequence[ValidFile]) -> RequestKey:
    """The request's key for this caller ('shop', or 'customer:<order id>'), Idempotency-Key and body."""
    body = fingerprint(order, request, files)
    scope = _digest(f"{caller}\0{_checked(key) or 'body:' + body}")
    return RequestKey(f"idem:{scope}", body)

