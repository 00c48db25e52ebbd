"""Shopify webhook signatures: verified by Shopify's own shopifyapp package; `sign` builds test deliveries."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

from shopify_app import verify_webhook_req

from adapters.base import Verification
from adapters.common import lower_headers

HMAC_HEADER = "X-Shopify-Hmac-Sha256"


def sign(body: bytes, secret: str) -> str:
    """The X-Shopify-Hmac-Sha256 value Shopify would send for this body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
    """Check the HMAC over the raw body with the current secret, or the previous one during a rotation."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Verification(False, 401, "body-not-utf8")
    if not str(lower_headers(headers).get(HMAC_HEADER.lower(), "")).isascii():
        # A base64 digest is ASCII; shopifyapp's compare_digest raises TypeError on anything else.
        return Verification(False, 401, "invalid-hmac")
    config = {"client_id": "returnkit", "client_secret": secrets[0],
              "old_client_secret": secrets[1] if len(secrets) > 1 else None}
    try:
        result = verify_webhook_req({"method": "POST", "headers": dict(headers), "url": "", "body": text}, config)
    except RecursionError:
        # shopifyapp parses the body with the stdlib json (to redact its log) before checking the HMAC.
        return Verification(False, 400, "body-too-deeply-nested")
    if result.ok:
        return Verification(True)
    code = result.log.code if result.log else "invalid_hmac"
    # shopifyapp answers 400 for a missing header; a delivery we cannot authenticate is a 401 to us.
    return Verification(False, 401, code.replace("_", "-"))
