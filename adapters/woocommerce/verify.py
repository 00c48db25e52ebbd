"""WooCommerce webhook signatures: base64 HMAC-SHA256 of the raw body (class-wc-webhook.php, generate_signature)."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

from adapters.base import Verification
from adapters.common import lower_headers

SIGNATURE_HEADER = "X-WC-Webhook-Signature"


def sign(body: bytes, secret: str) -> str:
    """The X-WC-Webhook-Signature value WooCommerce would send for this body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
    """Compare in constant time against every accepted secret (the current one, then the previous one)."""
    received = lower_headers(headers).get(SIGNATURE_HEADER.lower(), "")
    if not received:
        return Verification(False, 401, "missing-signature")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(received.encode(), sign(body, secret).encode())
    return Verification(True) if matched else Verification(False, 401, "invalid-signature")
