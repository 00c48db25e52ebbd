"""Signatures in the Svix shape: one valid signed delivery, then break exactly one thing per test."""
import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from integration.db.models import WebhookDelivery
from tests.webhook_helpers import SECRET, post, signed_headers

PAYLOADS = {"shopify": ("products/update", {"id": 7001, "title": "Organic tee", "tags": "organic",
                                            "updated_at": "2026-05-01T10:00:00-06:00"}),
            "woocommerce": ("product.updated", {"id": 301, "name": "Stepper", "date_modified_gmt": "2026-05-01T10:00:00"})}
SIGNATURE = {"shopify": "X-Shopify-Hmac-Sha256", "woocommerce": "X-WC-Webhook-Signature"}
ROOT = Path(__file__).resolve().parents[2]


def _rows(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(WebhookDelivery))


@pytest.fixture(params=["shopify", "woocommerce"])
def platform(request):
    return request.param


def test_a_valid_signed_delivery_is_accepted(client, rt, platform):
    topic, payload = PAYLOADS[platform]
    response = post(client, platform, topic, payload)
    assert (response.status_code, response.json["status"]) == (200, "accepted")
    assert _rows(rt) == 1


@pytest.mark.parametrize("breakage", ["missing", "wrong-secret", "tampered-body", "hex-encoding", "empty"])
def test_breaking_one_thing_gives_401_and_writes_nothing(client, rt, platform, breakage):
    topic, payload = PAYLOADS[platform]
    body = json.dumps(payload).encode()
    headers = signed_headers(platform, topic, body)
    header = SIGNATURE[platform]
    if breakage == "missing":
        del headers[header]
    elif breakage == "wrong-secret":
        headers = signed_headers(platform, topic, body, secret="not-the-secret")
    elif breakage == "tampered-body":
        body = body.replace(b"1", b"2", 1)
    elif breakage == "hex-encoding":
        headers[header] = base64.b64decode(headers[header]).hex()
    else:
        headers[header] = ""
    response = client.post(f"/webhooks/{platform}", data=body, headers=headers, content_type="application/json")
    assert response.status_code == 401
    assert _rows(rt) == 0


def test_the_previous_secret_is_accepted_during_a_rotation(client, rt, shops, platform):
    from integration.db.engine import transaction
    from integration.db.models import Shop
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops[platform].id)
        shop.previous_webhook_secret, shop.webhook_secret = SECRET, "whsec_new"
    topic, payload = PAYLOADS[platform]
    assert post(client, platform, topic, payload, secret=SECRET).status_code == 200
    assert post(client, platform, topic, {**payload, "title": "x"}, secret="whsec_new").status_code == 200
    assert post(client, platform, topic, {**payload, "title": "y"}, secret="whsec_other").status_code == 401


def test_shopifyapp_still_checks_the_hmac_without_parsing_the_body():
    """The receiver skips shopifyapp's log redaction of the body; if a shopifyapp release moves the function,
    this says so (the verification would still be right, only slower)."""
    from shopify_app.verify import _body_hmac_in_header
    from adapters.registry import ADAPTERS
    from adapters.shopify import verify
    ADAPTERS["shopify"].prepare()   # what the app factory does at startup
    assert _body_hmac_in_header.redact_http_log is verify._redact_without_body
    body = b'{"id": 1, "access_token": "shpat_secret"}'
    headers = {verify.HMAC_HEADER: verify.sign(body, "s1")}
    assert verify.verify(headers, body, ["s1"]).ok
    assert not verify.verify(headers, body, ["s2"]).ok and verify.verify(headers, body, ["s2", "s1"]).ok
    assert verify.verify(headers, b"[" * 100_000 + b"]" * 100_000, ["s1"]).status == 401   # deep nesting: no parse
    redacted = verify._redact_without_body({"method": "POST", "headers": {"X-Shopify-Access-Token": "shpat_x"},
                                            "url": "/?hmac=abc", "body": body.decode()})
    assert redacted["body"] is None and "shpat_x" not in str(redacted) and "abc" not in redacted["url"]


def test_shopifyapps_unprefixed_signature_header_is_checked_too(client, rt):
    """The receiver hands shopifyapp only the headers it reads, by shopifyapp's own lists: its newer
    `Shopify-Hmac-Sha256` spelling still verifies, and a wrong one is still a 401."""
    topic, payload = PAYLOADS["shopify"]
    body = json.dumps(payload).encode()
    good = signed_headers("shopify", topic, body)
    good["Shopify-Hmac-Sha256"] = good.pop("X-Shopify-Hmac-Sha256")
    response = client.post("/webhooks/shopify", data=body, headers=good, content_type="application/json")
    assert (response.status_code, response.json["status"]) == (200, "accepted")
    bad = signed_headers("shopify", topic, body)
    bad.pop("X-Shopify-Hmac-Sha256")
    bad["Shopify-Hmac-Sha256"] = "é" * 44
    assert client.post("/webhooks/shopify", data=body, headers=bad, content_type="application/json").status_code == 401
    assert _rows(rt) == 1


def test_importing_the_shopify_verifier_changes_nothing_in_shopifyapp():
    """The substitution is made by the app factory at startup, never by an import."""
    code = ("import shopify_app.verify._body_hmac_in_header as m; original = m.redact_http_log; "
            "import adapters.shopify, adapters.registry; assert m.redact_http_log is original; "
            "adapters.registry.ADAPTERS['shopify'].prepare(); assert m.redact_http_log is not original")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60).returncode == 0
