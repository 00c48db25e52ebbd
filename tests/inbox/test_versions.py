"""One version of a resource is applied once: the receiver keys deliveries by the platform's delivery id
(a retry is a duplicate at once); the worker keys what it applies by version (two deliveries of one change)."""
from sqlalchemy import func, select

from integration.db.models import WebhookDelivery
from integration.db.order_models import OrderRefund
from integration.inbox.process import process_delivery
from tests.orders.test_picture import FakeProducts, replay
from tests.webhook_helpers import load_fixture, post, post_fixture
from tests.helpers import NO_QUEUE


def _rows(rt) -> list[WebhookDelivery]:
    with rt.sessions() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_retry_is_a_duplicate_and_a_second_delivery_of_the_version_is_stored_but_not_applied(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["orders_create"])
    refund = load_fixture("shopify", "refunds_create")
    first = post(client, "shopify", "refunds/create", refund, X_Shopify_Webhook_Id="refund-a")
    retry = post(client, "shopify", "refunds/create", refund, X_Shopify_Webhook_Id="refund-a")
    other = post(client, "shopify", "refunds/create", refund, X_Shopify_Webhook_Id="refund-b")
    assert [r.json["status"] for r in (first, retry, other)] == ["accepted", "duplicate", "accepted"]
    assert [process_delivery(rt, i, FakeProducts(), NO_QUEUE) for i in queue] == ["processed", "ignored"]
    applied, skipped = _rows(rt)[-2:]
    assert applied.version_key.startswith("refund:") and skipped.version_key is None
    assert skipped.error == f"the same version as delivery {applied.id}"
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OrderRefund)) == 1


def test_processing_the_same_row_again_changes_nothing(client, rt, queue, shops):
    assert post_fixture(client, "shopify", "orders_create").status_code == 200
    [row_id] = queue
    assert process_delivery(rt, row_id, FakeProducts(), NO_QUEUE) == "processed"
    assert process_delivery(rt, row_id, FakeProducts(), NO_QUEUE) == "processed"
    assert [(r.status, r.error) for r in _rows(rt)] == [("processed", None)]


def test_a_topic_without_versions_is_applied_per_delivery(client, rt, queue, shops):
    product = load_fixture("shopify", "products_update")
    for webhook_id in ("p-1", "p-2"):
        assert post(client, "shopify", "products/update", product, X_Shopify_Webhook_Id=webhook_id).status_code == 200
    assert [process_delivery(rt, i, FakeProducts(), NO_QUEUE) for i in queue] == ["processed", "processed"]
    assert [r.version_key for r in _rows(rt)] == [None, None]


def test_one_woocommerce_order_version_under_two_topics_is_applied_once(client, rt, queue, shops):
    order = load_fixture("woocommerce", "order_created")
    assert post(client, "woocommerce", "order.created", order).json["status"] == "accepted"
    assert post(client, "woocommerce", "order.updated", order).json["status"] == "accepted"
    assert [process_delivery(rt, i, FakeProducts(), NO_QUEUE) for i in queue] == ["processed", "ignored"]
