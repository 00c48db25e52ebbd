"""Webhook signatures against fixed vectors computed outside our code.

Both platforms sign the raw body with base64(HMAC-SHA256(secret, body)): Shopify in X-Shopify-Hmac-Sha256
("Verify webhooks"), WooCommerce in X-WC-Webhook-Signature (class-wc-webhook.php, generate_signature).
Every expected value below was computed with OpenSSL, independently of Python's hmac module:

    printf '{"id":1}' | openssl dgst -sha256 -hmac 'whsec_test' -binary | base64
    printf '{"id":1}' | openssl dgst -sha256 -hmac 'whsec_old' -binary | base64
    printf ''         | openssl dgst -sha256 -hmac 'whsec_test' -binary | base64
"""
import pytest

from adapters.base import Verification
from adapters.shopify import verify as shopify
from adapters.woocommerce import verify as woocommerce

BODY = b'{"id":1}'
SIG_TEST = "KLZisNJHjxbf4kmXEUNS8edT25t7EUtHeFmUfnMUR2M="       # HMAC(whsec_test, BODY)
SIG_OLD = "ZPpa8Jp2ABnYCkqsgSGElKk50Y3BpR8YIX/6zhC3dfQ="        # HMAC(whsec_old, BODY)
SIG_EMPTY = "Q8D00jyOiEE1j61GJLGlknmSIrKfJbtZuupDzctSLtE="      # HMAC(whsec_test, b"")

OK = Verification(True, 200, "ok")


@pytest.mark.parametrize("module", [shopify, woocommerce], ids=["shopify", "woocommerce"])
def test_sign_matches_openssl(module):
    assert module.sign(BODY, "whsec_test") == SIG_TEST
    assert module.sign(BODY, "whsec_old") == SIG_OLD
    assert module.sign(b"", "whsec_test") == SIG_EMPTY


def test_header_names_are_the_platforms():
    assert shopify.HMAC_HEADER == "X-Shopify-Hmac-Sha256"
    assert woocommerce.SIGNATURE_HEADER == "X-WC-Webhook-Signature"


@pytest.mark.parametrize("name", ["X-Shopify-Hmac-Sha256", "x-shopify-hmac-sha256", "X-SHOPIFY-HMAC-SHA256"])
def test_shopify_accepts_the_documented_signature_in_any_header_case(name):
    assert shopify.verify({name: SIG_TEST}, BODY, ["whsec_test"]) == OK


def test_shopify_rotation_accepts_current_and_previous_secret_only():
    assert shopify.verify({"X-Shopify-Hmac-Sha256": SIG_TEST}, BODY, ["whsec_new", "whsec_test"]) == OK
    assert shopify.verify({"X-Shopify-Hmac-Sha256": SIG_OLD}, BODY, ["whsec_old", "whsec_test"]) == OK
    assert shopify.verify({"X-Shopify-Hmac-Sha256": SIG_TEST}, BODY, ["whsec_old"]) == \
        Verification(False, 401, "invalid-hmac")
    assert shopify.verify({"X-Shopify-Hmac-Sha256": SIG_TEST}, BODY, ["whsec_old", "whsec_other"]) == \
        Verification(False, 401, "invalid-hmac")


@pytest.mark.parametrize("headers, body, reason", [
    ({}, BODY, "missing-hmac-header"),
    ({"X-Shopify-Hmac-Sha256": SIG_TEST}, b'{"id":2}', "invalid-hmac"),
    ({"X-Shopify-Hmac-Sha256": SIG_EMPTY}, BODY, "invalid-hmac"),
    ({"X-Shopify-Hmac-Sha256": "é" + SIG_TEST[1:]}, BODY, "invalid-hmac"),   # non-ASCII: refused, never a crash
    ({"X-Shopify-Hmac-Sha256": SIG_TEST}, b"\xff" + BODY, "body-not-utf8"),
])
def test_shopify_refusals_are_401_with_a_stable_reason(headers, body, reason):
    assert shopify.verify(headers, body, ["whsec_test"]) == Verification(False, 401, reason)


def test_shopify_empty_body_with_its_signature_is_accepted():
    assert shopify.verify({"X-Shopify-Hmac-Sha256": SIG_EMPTY}, b"", ["whsec_test"]) == OK


@pytest.mark.parametrize("name", ["X-WC-Webhook-Signature", "x-wc-webhook-signature"])
def test_woocommerce_accepts_the_signature_in_any_header_case(name):
    assert woocommerce.verify({name: SIG_TEST}, BODY, ["whsec_test"]) == OK


def test_woocommerce_rotation_accepts_either_secret_in_either_position():
    h = {"X-WC-Webhook-Signature": SIG_TEST}
    assert woocommerce.verify(h, BODY, ["whsec_test", "whsec_new"]) == OK
    assert woocommerce.verify(h, BODY, ["whsec_new", "whsec_test"]) == OK
    assert woocommerce.verify({"X-WC-Webhook-Signature": SIG_OLD}, BODY, ["whsec_test", "whsec_old"]) == OK
    assert woocommerce.verify(h, BODY, ["whsec_old", "whsec_new"]) == Verification(False, 401, "invalid-signature")


@pytest.mark.parametrize("headers, body, reason", [
    ({}, BODY, "missing-signature"),
    ({"X-WC-Webhook-Signature": ""}, BODY, "missing-signature"),
    ({"X-WC-Webhook-Signature": SIG_TEST}, b'{"id":2}', "invalid-signature"),
    ({"X-WC-Webhook-Signature": SIG_OLD}, BODY, "invalid-signature"),
])
def test_woocommerce_refusals_are_401_with_a_stable_reason(headers, body, reason):
    assert woocommerce.verify(headers, body, ["whsec_test"]) == Verification(False, 401, reason)
