"""Sign-in tokens, OAuth codes and Shopify's signed query never reach a log line (issue 16, item 7): the access log
line gunicorn writes for them, and any line of ours or of a library that quotes such a URL."""
import io
import json
import logging

import pytest

from integration.observability.logging import setup_logging

SECRETS = ["c0de-from-shopify", "d1gest-hmac", "n0nce-state", "eyJ.id-token.sig", "s3ssion-id", "W00-nonce",
           "IjEyIg.Zx9Q.sIgNeD-l1nk"]
URLS = [
    "/auth/callback?code=c0de-from-shopify&hmac=d1gest-hmac&host=YWRtaW4&shop=a.myshopify.com&state=n0nce-state"
    "&timestamp=1767225600",
    "/app/?embedded=1&hmac=d1gest-hmac&id_token=eyJ.id-token.sig&session=s3ssion-id&shop=a.myshopify.com",
    "/woocommerce/return?success=1&user_id=W00-nonce",
    "/app/login/IjEyIg.Zx9Q.sIgNeD-l1nk",
    "/app/login/IjEyIg.Zx9Q.sIgNeD-l1nk?next=/app/",
    # Shopify's session-token page: the page to reload carries the query again, URL-encoded
    "/auth/session-token?embedded=1&shop=a.myshopify.com&shopify-reload=%2Fapp%2F%3Fembedded%3D1%26session%3Ds3ssion-id"
    "%26hmac%3Dd1gest-hmac%26shop%3Da.myshopify.com",
]


@pytest.fixture()
def json_lines():
    stream = io.StringIO()
    handler = setup_logging("INFO", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("url", URLS)
def test_the_access_log_line_for_a_url_with_credentials_masks_them(json_lines, url):
    # gunicorn's access logger: its format string with the request's atoms as the record's argument
    atoms = {"h": "127.0.0.1", "r": f"GET {url} HTTP/1.1", "s": "302", "b": "0", "a": "Mozilla/5.0"}
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s %(b)s "%(a)s"', atoms)
    [line] = [json.loads(text) for text in json_lines.getvalue().splitlines()]
    assert line["event"] == "http.access" and "GET /" in line["message"]
    assert [secret for secret in SECRETS if secret in line["message"]] == []
    assert "[redacted]" in line["message"]


def test_our_lines_and_exceptions_quoting_such_urls_are_masked_too(json_lines):
    log = logging.getLogger("integration.web.test")
    log.warning("install.shopify.session-refused: %s", "https://returnkit.example" + URLS[1])
    try:
        raise ValueError("https://returnkit.example" + URLS[0])
    except ValueError:
        log.exception("install.shopify.completed: failed")
    text = json_lines.getvalue()
    assert [secret for secret in SECRETS if secret in text] == [] and text.count("[redacted]") >= 5


def test_what_names_no_credential_is_left_as_it_was(json_lines):
    logging.getLogger("gunicorn.access").info("%s", "GET /r/a.myshopify.com?order_number=1001&shop=a.myshopify.com")
    assert "order_number=1001&shop=a.myshopify.com" in json_lines.getvalue()
