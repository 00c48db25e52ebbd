"""Signing a test client in as a shop, and reading the CSRF token a page carries."""
from __future__ import annotations

import re

from integration.db.base import session_signing_key
from integration.web.auth import login_token


def sign_in(client, shop_id: int) -> None:
    """Sign the test client in as this shop, as a login link would."""
    response = client.get(f"/app/login/{login_token(session_signing_key(), shop_id)}")
    assert response.status_code == 302, response.data


def csrf_from(html: bytes | str) -> str:
    """The CSRF token in a rendered page's forms."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)
