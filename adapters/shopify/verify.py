"""Shopify webhook signatures: verified by Shopify's own shopifyapp package; `sign` builds test deliveries."""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

from shopify_app import verify_webhook_req
from shopify_app.verify import _body_hmac_in_header as _shopifyapp_hmac, webhook as _shopifyapp_webhook

from adapters.base import Verification
from adapters.common import lower_headers

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
# The headers shopifyapp's webhook check reads, by its own lists (a release that renames them fails this import).
_HMAC_HEADERS, _SHOP_HEADERS = _shopifyapp_webhook._WEBHOOK_HMAC_HEADER_NAMES, _shopifyapp_webhook._WEBHOOK_SHOP_HEADER_NAMES
_library_redact = _shopifyapp_hmac.redact_http_log


def _redact_without_body(req):
    """shopifyapp's own log redaction of the request, with the body left out of the log record."""
    return _library_redact({**req, "body": None})


def quiet_body_redaction() -> None:
    """Leave the body out of shopifyapp's log redaction; called once by the app factory, never at import.

    shopifyapp redacts a copy of every request for the log record it returns, and for the body that means
    parsing and re-serializing it with the stdlib json: 13 µs a delivery become 108-115 µs without this (a
    quarter of a delivery's time). Its public API offers no way around it, and the check itself must stay
    shopifyapp's (we do not hand-write webhook verification), so this one substitution stays: we never log that
    record, and the HMAC check is still shopifyapp's, on the real body. tests/webhooks/test_signatures.py
    notices if a shopifyapp release moves it.
    """
    _shopifyapp_hmac.redact_http_log = _redact_without_body


def sign(body: bytes, secret: str) -> str:
    """The X-Shopify-Hmac-Sha256 value Shopify would send for this body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
    """Check the HMAC over the raw body with the current secret, or the previous one during a rotation."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Verification(False, 401, "body-not-utf8")
    # Only the headers shopifyapp reads: it copies and normalizes all it is given, for every delivery.
    given = lower_headers(headers)
    read = {name: given[name] for name in (*_HMAC_HEADERS, *_SHOP_HEADERS) if name in given}
    if not all(str(read[name]).isascii() for name in _HMAC_HEADERS if name in read):
        # A base64 digest is ASCII; shopifyapp's compare_digest raises TypeError on anything else.
        return Verification(False, 401, "invalid-hmac")
    config = {"client_id": "returnkit", "client_secret": secrets[0],
              "old_client_secret": secrets[1] if len(secrets) > 1 else None}
    # No "url": a webhook's check never reads it, and shopifyapp would run its URL redaction (three regexes) on it.
    result = verify_webhook_req({"method": "POST", "headers": read, "body": text}, config)
    if result.ok:
        return Verification(True)
    code = result.log.code if result.log else "invalid_hmac"
    # shopifyapp answers 400 for a missing header; a delivery we cannot authenticate is a 401 to us.
    return Verification(False, 401, code.replace("_", "-"))
