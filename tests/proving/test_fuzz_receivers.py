"""Bad input at the webhook receivers: mutated fixtures (signed), bad encodings, deep nesting, huge bodies,
odd headers and unsigned noise. The receiver never answers 5xx, every rejection is a 4xx whose JSON says why,
and every accepted delivery goes through the worker's process_delivery without an unhandled exception."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from integration.db.models import WebhookDelivery
from integration.inbox.process import process_delivery
from integration.orders.picture import OrderNotYetKnown
from tests.proving.fuzz import BAD_ENCODINGS, FUZZ, mutated, nested, to_json
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import FIXTURES, load_fixture, post, signed_headers, topic_of

# Every fixture but the two that end the shop (uninstall, redact): those would leave the rest of a run 404/410.
ENDS_THE_SHOP = {"app_uninstalled", "shop_redact"}
FIXTURE_NAMES = {platform: sorted(p.stem for p in folder.glob("*.json") if p.stem not in ENDS_THE_SHOP)
                 for platform, folder in FIXTURES.items()}
FINAL = {"processed", "failed", "ignored", "received", "refused"}   # received: waiting for its order; refused: a topic check


def _no_product(_shop, _product_id):
    return None


def _check_answer(response) -> None:
    """No 5xx; a JSON answer with a status, and a rejection also says what was wrong."""
    assert response.status_code < 500, response.get_data()[:300]
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and body.get("status"), response.get_data()[:300]
    if response.status_code >= 400:
        assert response.status_code < 500 and body.get("error"), body


def _process_queued(rt, queue) -> None:
    """What the worker does with each queued row: it ends in a final state, a failure with its reason."""
    for row_id in list(queue):
        try:
            process_delivery(rt, row_id, _no_product, lambda _action_id: None)
        except OrderNotYetKnown:
            pass  # retried by the queue until its order arrives; the row stays received
        with rt.sessions() as session:
            row = session.get(WebhookDelivery, row_id)
            assert row is None or row.status in FINAL, (row.status, row.error)
            if row is not None and row.status == "failed":
                assert row.error, "a failed delivery says why"
    queue.clear()


@pytest.fixture()
def story(client, rt, queue):
    """Both shops already know the fixtures' orders and products, so fuzzed deliveries reach deep code."""
    replay(client, rt, queue, "shopify", STORY)
    replay(client, rt, queue, "woocommerce", ["product_created", "order_created"])
    return client


@pytest.mark.scaled
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_signed_fixtures_with_wrong_types_never_5xx_and_never_crash_the_worker(story, rt, queue, platform):
    @FUZZ
    @given(data=st.data())
    def run(data):
        name = data.draw(st.sampled_from(FIXTURE_NAMES[platform]))
        doc = data.draw(mutated(load_fixture(platform, name)))
        response = post(story, platform, topic_of(platform, name), None, body=to_json(doc))
        _check_answer(response)
        _process_queued(rt, queue)
    run()


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
@pytest.mark.parametrize("body", BAD_ENCODINGS + [nested(10_000), nested(1_000), nested(900),
                                                   b'{"id": 1, "line_items": ' + nested(1_020) + b"}"])
def test_signed_bad_encodings_and_deep_nesting_are_4xx_or_processed(story, rt, queue, platform, body):
    topic = "orders/create" if platform == "shopify" else "order.created"
    _check_answer(post(story, platform, topic, None, body=body))
    _process_queued(rt, queue)


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_deep_nesting_inside_a_real_order_is_processed_or_failed(story, rt, queue, platform):
    name = "orders_create" if platform == "shopify" else "order_created"
    for depth in (100, 500, 990, 1_000, 1_023, 1_100):
        doc = load_fixture(platform, name)
        body = json.dumps(doc)[:-1].encode() + b', "note_attributes": ' + nested(depth) + b"}"
        _check_answer(post(story, platform, topic_of(platform, name), None, body=body))
        _process_queued(rt, queue)


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_body_over_the_cap_is_413_signed_or_not(client, rt, platform):
    limit = rt.settings.webhook_max_body_bytes
    body = b'{"id": 1, "pad": "' + b"x" * limit + b'"}'
    topic = "orders/create" if platform == "shopify" else "order.created"
    for headers in (signed_headers(platform, topic, body), {}):
        response = client.post(f"/webhooks/{platform}", data=body, content_type="application/json",
                               headers=headers or {k: v for k, v in signed_headers(platform, topic, b"").items()
                                                   if "hmac" not in k.lower() and "signature" not in k.lower()})
        assert response.status_code == 413
        _check_answer(response)
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=80)


@pytest.mark.scaled
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_odd_headers_and_unknown_topics_never_5xx(client, rt, queue, platform):
    @FUZZ
    @given(topic=st.one_of(HEADER_TEXT, st.sampled_from(["orders/create", "order.created", "", "widgets/explode",
                                                          "orders/create\x00", "ORDERS/CREATE"])),
           extra=st.dictionaries(st.sampled_from(["X-Shopify-Shop-Domain", "X-WC-Webhook-Source", "X-WC-Webhook-ID",
                                                  "X-Shopify-Webhook-Id", "X-Shopify-Triggered-At", "X-Shopify-Event-Id",
                                                  "X-WC-Webhook-Delivery-ID", "Content-Type"]), HEADER_TEXT, max_size=3),
           body=st.one_of(st.binary(max_size=200), st.just(b'{"id": 5550001}')))
    def run(topic, extra, body):
        headers = {**signed_headers(platform, topic, body), **extra}
        response = client.post(f"/webhooks/{platform}", data=body, headers=headers)
        _check_answer(response)
        _process_queued(rt, queue)
    run()


@pytest.mark.scaled
@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_unsigned_noise_is_rejected_and_writes_nothing(client, rt, queue, platform):
    @FUZZ
    @given(body=st.binary(max_size=300), signature=st.one_of(st.none(), HEADER_TEXT),
           shop=st.one_of(st.none(), st.just("kaolate-demo.myshopify.com"), st.just("https://woo-demo.example.com/"),
                          HEADER_TEXT))
    def run(body, signature, shop):
        header = "X-Shopify-Hmac-Sha256" if platform == "shopify" else "X-WC-Webhook-Signature"
        shop_header = "X-Shopify-Shop-Domain" if platform == "shopify" else "X-WC-Webhook-Source"
        headers = {**signed_headers(platform, "orders/create", body), header: signature, shop_header: shop}
        response = client.post(f"/webhooks/{platform}", data=body,
                               headers={k: v for k, v in headers.items() if v is not None})
        _check_answer(response)
        assert response.status_code in (401, 404, 200), response.status_code  # 200 only for a WooCommerce ping
    run()
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
