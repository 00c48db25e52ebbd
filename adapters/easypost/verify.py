"""EasyPost webhook signatures: `X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>`, keyed with
the webhook's secret NFKD-normalized (https://docs.easypost.com/docs/webhooks, "HMAC Validation"; easypost-python's
`easypost.util.validate_webhook`, which checks it here)."""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping, Sequence

from easypost.errors import SignatureVerificationError
from easypost.util import validate_webhook

from adapters.base import Verification
from adapters.common import lower_headers

SIGNATURE_HEADER = "X-Hmac-Signature"
PREFIX = "hmac-sha256-hex="


def sign(body: bytes, secret: str) -> str:
    """The X-Hmac-Signature value EasyPost would send for this body."""
    key = unicodedata.normalize("NFKD", secret).encode()
    return PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def _valid(body: bytes, received: str, secret: str) -> bool:
    try:
        validate_webhook(body, {SIGNATURE_HEADER: received}, secret)
    except (SignatureVerificationError, TypeError):   # TypeError: a header with non-ASCII characters
        return False
    except ValueError:   # signed, but not JSON: the library parses the body once it matches
        return True
    return True


def verify(headers: Mapping[str, str], body: bytes, secrets: Sequence[str]) -> Verification:
    """Check the signature against each accepted secret (the library compares in constant time)."""
    received = lower_headers(headers).get(SIGNATURE_HEADER.lower())
    ok = bool(received) and any(_valid(body, received, secret) for secret in secrets)
    return Verification(True) if ok else Verification(False, 401, "invalid-signature" if received else
                                                       "missing-signature")
