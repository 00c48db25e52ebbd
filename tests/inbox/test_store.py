"""The receiver's inbox insert on the driver's connection: the same row as the ORM would write, once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from integration.db.base import utcnow
from integration.db.models import WebhookDelivery
from integration.inbox.store import Incoming, InboxWriter


def _incoming(key: str, **extra) -> Incoming:
    return Incoming("shopify", "orders/create", key, {"x-shopify-topic": "orders/create", "x-shopify-webhook-id": "w-1"},
                    b'{"id": 1}', "received", delivery_id="w-1", resource_id="1", **extra)


def test_a_delivery_is_stored_with_every_column_as_the_orm_reads_it(rt, shops):
    row_id = InboxWriter(rt.engine).store(shops["shopify"].id, _incoming("k-1", customer_ref="c-9", note="why"))
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, row_id)
    assert (row.shop_id, row.platform, row.topic, row.dedupe_key, row.status, row.attempts) == (
        shops["shopify"].id, "shopify", "orders/create", "k-1", "received", 0)
    assert row.headers == {"x-shopify-topic": "orders/create", "x-shopify-webhook-id": "w-1"}
    assert (row.body, row.delivery_id, row.resource_id, row.customer_ref, row.error) == (b'{"id": 1}', "w-1", "1", "c-9", "why")
    assert row.received_at.tzinfo is not None and abs(utcnow() - row.received_at) < timedelta(seconds=30)


def test_the_same_delivery_twice_is_one_row(rt, shops):
    writer = InboxWriter(rt.engine)
    first = writer.store(shops["shopify"].id, _incoming("k-2"))
    assert first is not None
    assert writer.store(shops["shopify"].id, _incoming("k-2")) is None
    with rt.sessions() as session:
        assert session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.dedupe_key == "k-2")).all() == [first]


def test_a_missing_shop_is_sqlalchemys_integrity_error_without_the_body_in_it(rt, shops):
    writer = InboxWriter(rt.engine)
    with pytest.raises(IntegrityError) as raised:
        writer.store(999_999, _incoming("k-3"))
    assert '{"id": 1}' not in str(raised.value)
    # The connection went back to the pool in a usable state.
    assert writer.store(shops["shopify"].id, _incoming("k-4")) is not None


def test_a_long_key_is_the_same_digest_from_the_receiver_and_from_the_sweep(rt, shops):
    from integration.inbox.store import store_delivery
    long_key = "order:1:" + "9" * 300
    first = InboxWriter(rt.engine).store(shops["shopify"].id, _incoming(long_key))
    with rt.engine.begin() as conn:   # the reconciliation sweep's path
        assert store_delivery(conn, shops["shopify"].id, _incoming(long_key)) is None
    with rt.sessions() as session:
        assert session.get(WebhookDelivery, first).dedupe_key.startswith("sha256:")


def test_a_sweeps_delivery_of_a_version_the_inbox_holds_is_not_stored(rt, shops):
    from integration.inbox.store import store_delivery
    shop_id = shops["shopify"].id
    applied = InboxWriter(rt.engine).store(shop_id, _incoming("webhook:w-1"))
    with rt.engine.begin() as conn:   # what the worker does once it has applied the row: it keys it by its version
        conn.execute(WebhookDelivery.__table__.update().where(WebhookDelivery.id == applied).values(version_key="order:1:v"))
    with rt.engine.begin() as conn:   # the sweep's path: keyed by the version, under another delivery key
        assert store_delivery(conn, shop_id, _incoming("order:1:v", version_key="order:1:v")) is None
        assert store_delivery(conn, shop_id, _incoming("order:1:v2", version_key="order:1:v2")) is not None
    with rt.engine.begin() as conn:   # another shop holds its own versions
        assert store_delivery(conn, shops["woocommerce"].id, _incoming("order:1:v", version_key="order:1:v")) is not None
