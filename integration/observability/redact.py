"""Mask credentials and email addresses in log text: the last line of defence, whatever a call site passed."""
from __future__ import annotations

import re

_PATTERNS = [
    # Shopify access tokens, custom-app tokens, partner tokens and shared secrets.
    (re.compile(r"\b(shpat|shpca|shppa|shpss)_[A-Za-z0-9_]+"), "[redacted-shopify-token]"),
    # WooCommerce consumer keys and secrets.
    (re.compile(r"\b(ck|cs)_[A-Za-z0-9]{4,}"), "[redacted-woocommerce-key]"),
    # EasyPost production and test API keys.
    (re.compile(r"\b(EZAK|EZTK)[A-Za-z0-9_]{4,}"), "[redacted-easypost-key]"),
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
    # Fernet tokens (ciphertexts of stored secrets) and Fernet keys (32 bytes, urlsafe base64).
    (re.compile(r"\bgAAAAA[A-Za-z0-9_-]{20,}={0,2}"), "[redacted-fernet-token]"),
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}=(?![A-Za-z0-9_=-])"), "[redacted-key]"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), "[redacted-email]"),
]
# Only text with one of these can match a pattern: most log lines skip the regexes altogether.
_HINTS = ("shp", "ck_", "cs_", "EZ", "earer", "EARER", "asic", "ASIC", "gAAAAA", "=", "@")


def redact(text: str) -> str:
    """The text with every token, key and email address it contains masked."""
    if not any(hint in text for hint in _HINTS):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
