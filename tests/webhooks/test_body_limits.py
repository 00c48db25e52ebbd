"""The webhook body limit (issue 16, item 6): the documented 2 MiB on both platforms, with or without a
Content-Length, enforced while reading; a chunked body is read whole, however the server hands it over."""
import io
import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app
from sqlalchemy import select

from integration.db.models import WebhookDelivery
from tests.webhook_helpers import signed_headers

MIB = 1024 * 1024
TOPICS = {"shopify": "products/update", "woocommerce": "product.updated"}


class Trickle(io.BytesIO):
    """A chunked request body as a WSGI server hands it over: each read returns at most one chunk."""

    def __init__(self, data: bytes, chunk: int = 8192):
        super().__init__(data)
        self.chunk = chunk

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.chunk if size is None or size < 0 else min(size, self.chunk))

    def unread(self) -> int:
        """How many bytes were never read."""
        return len(self.getbuffer()) - self.tell()


def _body(size: int) -> bytes:
    return json.dumps({"id": 7001, "title": "Organic tee", "pad": "x" * size}).encode()


def post_chunked(app, path: str, stream, headers: dict):
    """POST a body with no Content-Length to a server that ends the stream itself (gunicorn and werkzeug's
    server set wsgi.input_terminated for a chunked request); the response, read and closed."""
    environ = EnvironBuilder(path=path, method="POST", input_stream=stream, headers=headers,
                             content_type="application/json", environ_overrides={"wsgi.input_terminated": True})
    environ = environ.get_environ()
    environ.pop("CONTENT_LENGTH", None)
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    response = app.response_class(app_iter, status, response_headers)
    response.close()   # as a server does once it has sent the answer (the receiver queues then)
    return response


def _post(client, platform: str, body: bytes, chunked: bool):
    headers = signed_headers(platform, TOPICS[platform], body)
    if not chunked:
        return client.post(f"/webhooks/{platform}", data=body, headers=headers, content_type="application/json")
    return post_chunked(client.application, f"/webhooks/{platform}", Trickle(body), headers)


def _stored(rt) -> list[bytes]:
    with rt.sessions() as session:
        return [bytes(body) for body in session.scalars(select(WebhookDelivery.body).order_by(WebhookDelivery.id))]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_valid_delivery_of_one_and_a_half_megabytes_is_accepted_whole(client, rt, platform, chunked):
    body = _body(1_500_000)
    response = _post(client, platform, body, chunked)
    assert (response.status_code, response.json["status"]) == (200, "accepted"), response.get_data()[:300]
    assert _stored(rt) == [body]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_delivery_over_two_mebibytes_is_413_naming_the_limit(client, rt, platform, chunked):
    response = _post(client, platform, _body(3 * MIB), chunked)
    assert (response.status_code, response.json["status"]) == (413, "too-large"), response.get_data()[:300]
    error = response.json["error"]
    assert "2097152 bytes (2 MiB)" in error and "RETURNKIT_WEBHOOK_MAX_BODY_BYTES" in error
    assert _stored(rt) == []


def test_the_limit_is_exact_and_a_chunked_body_is_read_only_to_one_byte_past_it(client, rt):
    limit = rt.settings.webhook_max_body_bytes
    at_limit = _body(limit - len(_body(0)))
    assert len(at_limit) == limit
    assert _post(client, "shopify", at_limit, chunked=True).status_code == 200
    over = Trickle(_body(3 * MIB))
    headers = signed_headers("shopify", TOPICS["shopify"], b"")
    response = post_chunked(client.application, "/webhooks/shopify", over, headers)
    assert response.status_code == 413
    assert over.unread() >= len(_body(3 * MIB)) - limit - 1   # the rest of the body was never read into memory
