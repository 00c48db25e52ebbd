"""The order picture built from replayed deliveries: partial fulfillments, delivery dates, refunds, order, redaction."""
import time

import pytest
from sqlalchemy import select

from integration.db.base import Base
from integration.db.engine import transaction
from integration.db.evidence_models import EvidenceFile
from integration.db.models import ComplianceExport, Shop, WebhookDelivery
from integration.db.request_models import ReturnCase
from integration.db.order_models import Order
from integration.domain import events as ev
from integration.inbox.process import process_delivery
from integration.requests.evidence import Upload, store_files, validate_upload
from integration.orders.picture import find_order
from integration.orders.as_case import order_json
from integration.settings import load_settings
from tests.helpers import contract_validator, decide_json, preset
from tests.webhook_helpers import post_fixture
from tests.helpers import NO_QUEUE

STORY = ["products_create", "products_create__hoodie", "orders_create", "orders_updated__tagged_in_production",
         "fulfillments_create", "fulfillments_create__hoodie", "fulfillments_update",
         "fulfillment_events_create__delivered", "refunds_create"]


class FakeProducts:
    """Stands in for the platform API on a product-cache miss; records what was asked."""

    def __init__(self):
        self.asked = []

    def __call__(self, shop, product_id):
        self.asked.append(product_id)
        return ev.ProductSeen(product_id, f"Product {product_id}", None, "Fetched", ("fetched",), ())


def replay(client, rt, queue, platform, names, fetch=None, actions=None) -> list[str]:
    """Post each fixture through the receiver, then process what was queued; the statuses."""
    for name in names:
        assert post_fixture(client, platform, name).status_code == 200, name
    actions = [] if actions is None else actions
    statuses = [process_delivery(rt, delivery_id, fetch or FakeProducts(), actions.append) for delivery_id in queue]
    queue.clear()
    return statuses


def shopify_order(rt, shops, order_id="5550001"):
    with rt.sessions() as session:
        shop = session.get(Shop, shops["shopify"].id)
        return order_json(session, shop, find_order(session, shop, order_id))


def test_shopify_story_builds_the_contract_order(client, rt, queue, shops):
    assert replay(client, rt, queue, "shopify", STORY) == ["processed"] * len(STORY)
    order = shopify_order(rt, shops)
    tee, hoodie = order["line_items"]
    assert (tee["id"], tee["quantity"], tee["unit_price"], tee["tags"]) == ("9001", 2, "22.50", ["organic", "tee"])
    assert hoodie["tags"] == ["custom", "personalized"] and hoodie["product_type"] == "Hoodie"
    # Shipped separately: the order is delivered when its last line is; the tee carries its earlier date.
    assert order["delivered_at"] == "2026-05-10T17:30:00+00:00"
    assert tee["delivered_at"] == "2026-05-08T20:02:00+00:00" and "delivered_at" not in hoodie
    assert order["production_started_at"] is not None and order["shipping_paid"] == "6.50"
    case = {"request": {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
                        "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 1}},
            "order": order}
    contract_validator("case").validate(case)
    decision = decide_json(preset("kaolate"), case)
    assert (decision["outcome"], decision["rules"][0]) == ("approved", "our-error-claim")


def _order_row(rt, shops, platform="shopify", order_id="5550001") -> Order:
    with rt.sessions() as session:
        order = find_order(session, session.get(Shop, shops[platform].id), order_id)
        order.lines, order.refunds, order.returns, order.fulfillments  # load while the session is open
        return order


def test_an_older_update_arriving_late_does_not_move_the_order_back(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["orders_updated__tagged_in_production", "orders_create"])
    order = _order_row(rt, shops)
    assert order.tags == ["in-production"]
    assert order.platform_updated_at.isoformat() == "2026-05-02T15:00:00+00:00"


def test_a_carrier_confirmed_delivery_is_kept(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", ["orders_create", "fulfillments_create__hoodie",
                                          "fulfillment_events_create__delivered"])
    from tests.webhook_helpers import load_fixture, post
    event = load_fixture("shopify", "fulfillment_events_create__delivered")
    later = {**event, "id": event["id"] + 1, "status": "in_transit", "happened_at": "2026-05-11T08:00:00-06:00"}
    assert post(client, "shopify", "fulfillment_events/create", later).status_code == 200
    assert [process_delivery(rt, i, None, NO_QUEUE) for i in queue] == ["processed"]
    hoodie = _order_row(rt, shops).lines[1]
    assert hoodie.delivered_at.isoformat() == "2026-05-10T17:30:00+00:00"


def test_refunds_accumulate_once_each(client, rt, queue, shops):
    from tests.webhook_helpers import load_fixture, post
    replay(client, rt, queue, "shopify", ["orders_create", "refunds_create"])
    refund = load_fixture("shopify", "refunds_create")
    # The same refund again in a new delivery (a new webhook id) is stored, and applied no second time.
    assert post(client, "shopify", "refunds/create", refund).json["status"] == "accepted"
    restamped = {**refund, "created_at": "2026-05-20T09:00:01-06:00"}   # a new version of a known refund
    post(client, "shopify", "refunds/create", restamped)
    second = {**refund, "id": 3330002, "transactions": [{**refund["transactions"][0], "amount": "10.00"}]}
    post(client, "shopify", "refunds/create", second)
    assert [process_delivery(rt, i, None, NO_QUEUE) for i in queue] == ["ignored", "processed", "processed"]
    order = _order_row(rt, shops)
    assert [r.refund_id for r in order.refunds] == ["3330001", "3330002"]
    assert order.refunded_total == sum(r.amount for r in order.refunds) == refund_total(refund) + 10


def refund_total(refund):
    from decimal import Decimal
    return sum(Decimal(t["amount"]) for t in refund["transactions"] if t["kind"] == "refund")


def test_an_event_before_its_order_waits_and_then_applies(client, rt, queue, shops):
    assert post_fixture(client, "shopify", "fulfillments_create").status_code == 200
    [early] = queue
    queue.clear()
    from integration.orders.picture import OrderNotYetKnown
    with pytest.raises(OrderNotYetKnown):
        process_delivery(rt, early, None, NO_QUEUE)
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, early)
        assert (row.status, row.attempts, row.error) == ("received", 1, "OrderNotYetKnown: order 5550001 is not known yet")
    replay(client, rt, queue, "shopify", ["orders_create"])
    assert process_delivery(rt, early, None, NO_QUEUE) == "processed"
    assert process_delivery(rt, early, None, NO_QUEUE) == "processed"  # a second run changes nothing


def test_a_product_cache_miss_is_filled_through_the_platform_api(client, rt, queue, shops):
    fetch = FakeProducts()
    replay(client, rt, queue, "shopify", ["products_create", "orders_create"], fetch)
    assert fetch.asked == ["7002"]  # the tee came by webhook; only the hoodie was missing
    hoodie = shopify_order(rt, shops)["line_items"][1]
    assert (hoodie["tags"], hoodie["product_type"]) == (["fetched"], "Fetched")


def test_returns_move_along_and_a_decline_finds_its_order_by_the_return_id(client, rt, queue, shops):
    names = ["orders_create", "returns_request", "returns_approve", "returns_close",
             "returns_request__tee_unwanted", "returns_decline"]
    assert replay(client, rt, queue, "shopify", names) == ["processed"] * len(names)
    returns = {r.return_id: r for r in _order_row(rt, shops).returns}
    assert (returns["2220001"].status, returns["2220001"].reason) == ("closed", "defective")
    assert returns["2220002"].status == "declined"


def _all_text(rt) -> str:
    from sqlalchemy import text
    dump = []
    with rt.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:  # every table, those added later too
            dump.extend(repr(tuple(row)) for row in conn.execute(text(f"select * from {table.name}")))
    return "\n".join(dump)


EVIDENCE_MARK = b"jane-buyer-kitchen-photo"


def _store_evidence(rt) -> None:
    """A photo on the customer's request, its bytes marked so a dump of the tables shows them."""
    with transaction(rt.sessions) as session:
        case = session.scalars(select(ReturnCase)).one()
        photo = Upload("photos[0]", "photo", "kitchen.jpg", b"\xff\xd8\xff\xe0" + EVIDENCE_MARK)
        store_files(session, case, [validate_upload(photo, load_settings({}).evidence)])


def test_customer_redaction_removes_personal_data_from_every_table(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY + ["returns_request", "customers_data_request"])
    _store_evidence(rt)
    with rt.sessions() as session:
        assert session.scalar(select(ComplianceExport.customer_ref)) == "6660001"
    dump = _all_text(rt)
    assert "jane.buyer@example.com" in dump and EVIDENCE_MARK.decode() in dump
    replay(client, rt, queue, "shopify", ["customers_redact"])
    dump = _all_text(rt)
    assert "jane.buyer@example.com" not in dump and "6660001" not in dump and EVIDENCE_MARK.decode() not in dump
    order = _order_row(rt, shops)
    assert order.customer_ref is None and order.returns[0].note is None
    assert order.customer_tags is None and order.customer_orders_count is None
    assert len(order.lines) == 2 and order.refunds  # anonymous order facts stay


def test_uninstall_stops_the_shop_and_shop_redaction_deletes_everything(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY + ["returns_request", "app_uninstalled"])
    _store_evidence(rt)
    with rt.sessions() as session:
        shop = session.get(Shop, shops["shopify"].id)
        assert (shop.status, shop.api_token) == ("uninstalled", None)
    # Within the receiver's few-second shop snapshot the delivery is still taken, and then ignored...
    assert post_fixture(client, "shopify", "orders_create__order_1002").status_code == 200
    assert replay(client, rt, queue, "shopify", []) == ["ignored"]
    # ...and once the snapshot expires the platform is told to stop.
    cache = client.application.extensions["returnkit"].shops
    cache.clock = lambda: time.monotonic() + 60
    assert post_fixture(client, "shopify", "orders_create__order_1002", X_Shopify_Webhook_Id="again").status_code == 410
    replay(client, rt, queue, "shopify", ["shop_redact"])
    with rt.sessions() as session:
        assert session.get(Shop, shops["shopify"].id) is None
        assert session.scalars(select(Order).where(Order.shop_id == shops["shopify"].id)).all() == []
        assert session.scalars(select(WebhookDelivery).where(WebhookDelivery.shop_id == shops["shopify"].id)).all() == []
        assert session.scalars(select(EvidenceFile)).all() == []


WOO_STORY = ["product_created", "product_created__custom_bracket", "order_created", "order_updated__in_production",
             "order_updated__shipped", "order_updated__delivered", "order_updated__refunded"]


def test_woocommerce_story_tracks_production_delivery_and_refunds(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", WOO_STORY) == ["processed"] * len(WOO_STORY)
    order = _order_row(rt, shops, "woocommerce", "1201")
    assert order.production_started_at.isoformat() == "2026-05-02T14:00:00+00:00"
    # TrackShip's local 15:42 in a UTC-5 store is 20:42 UTC.
    assert order.delivered_at.isoformat() == "2026-05-09T20:42:00+00:00"
    assert [(r.refund_id, str(r.amount)) for r in order.refunds] == [("77", "20.000000")]
    with rt.sessions() as session:
        shop = session.get(Shop, shops["woocommerce"].id)
        exported = order_json(session, shop, find_order(session, shop, "1201"))
    contract_validator("case").validate({"request": {"type": "return", "submitted_at": "2026-05-12T10:00:00-05:00"},
                                         "order": exported})
    assert exported["line_items"][1]["tags"] == ["custom"]
    replay(client, rt, queue, "woocommerce", ["order_deleted"])
    assert _order_row(rt, shops, "woocommerce", "1201").deleted
    replay(client, rt, queue, "woocommerce", ["order_restored"])
    assert not _order_row(rt, shops, "woocommerce", "1201").deleted


def test_a_redacted_customer_is_never_written_back_to(client, rt, queue, shops):
    from integration.db.request_models import Action
    from integration.outbox.run import run_action
    from integration.inbox.compliance import REDACTED_ERROR
    from integration.requests.decide import RequestError, submit_request
    from integration.db.models import Shop
    replay(client, rt, queue, "shopify", STORY + ["returns_request"])
    with rt.sessions() as session:
        waiting = [a.id for a in session.scalars(select(Action))]
    assert waiting
    with transaction(rt.sessions) as session:   # one action already picked up again, as a retry would be
        session.get(Action, waiting[0]).state = "retrying"
    replay(client, rt, queue, "shopify", ["customers_redact"])
    with rt.sessions() as session:
        assert {(a.state, a.last_error) for a in session.scalars(select(Action))} == {("dead", REDACTED_ERROR)}
    with transaction(rt.sessions) as session:   # even if something hands one back, it is not sent
        session.get(Action, waiting[0]).state = "pending"

    def gateway_never_called(_shop):
        raise AssertionError("a redacted customer's action reached the platform")
    assert run_action(rt, waiting[0], gateway_never_called) == "dead"
    with transaction(rt.sessions) as session:
        shop, order = session.get(Shop, shops["shopify"].id), _order_row(rt, shops)
        with pytest.raises(RequestError) as refused:
            submit_request(session, shop, session.merge(order), {"type": "cancellation",
                                                               "submitted_at": "2026-06-01T10:00:00Z"}, "api", "x")
    assert refused.value.status == 410 and refused.value.errors[0].startswith("order_id:")
    replay(client, rt, queue, "shopify", ["orders_updated__partially_refunded"])   # a later update of the order
    later = _order_row(rt, shops)
    assert later.customer_email_hash is None and later.customer_ref is None and later.destination_country is None
