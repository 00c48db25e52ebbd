"""Return parcels tracked end to end: EasyPost's signed tracker Events for a label we bought move the request,
release a refund that waits for the parcel exactly once, and show on the customer page and the timeline."""
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.db.notify_models import Announcement
from integration.db.request_models import Action, ReturnCase, ReturnParcel
from integration.inbox.process import process_delivery
from integration.policy.loader import resolve_policy_path
from integration.shops.core import set_policy
from integration.shops.returns_setup import configure_returns
from tests.e2e.test_return_labels import WAREHOUSE, approve_defective_hoodie, easypost  # noqa: F401  (the fixture)
from tests.e2e.test_shopify_actions import ORDER, drain, shopify  # noqa: F401  (the fixture)
from tests.webhook_helpers import SHOPIFY_DOMAIN

URL = f"/webhooks/easypost/{SHOPIFY_DOMAIN}"
RETURN = "2220001"   # the Shopify return approve_defective_hoodie approves
_KAOLATE = resolve_policy_path("kaolate").read_text()
_DEFAULT_REFUND = "refund: {method: original_payment, within_business_days: 10, timing: after_inspection}"
_OUR_ERROR_RETURN = "return: {required: true, shipping_paid_by: merchant}\n"


def kaolate_with(timing: str) -> str:
    """Kaolate, its refunds paid at `timing`, an unused label closing the request after 14 days."""
    assert _DEFAULT_REFUND in _KAOLATE and _OUR_ERROR_RETURN in _KAOLATE
    return (_KAOLATE.replace(_DEFAULT_REFUND, _DEFAULT_REFUND.replace("after_inspection", timing))
            .replace(_OUR_ERROR_RETURN, "return: {required: true, shipping_paid_by: merchant, "
                                        "label_expires_after_days: 14}\n"))


def _hoodie_fulfillment_line(shopify) -> str:  # noqa: F811
    nodes = shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["fulfillments"][0]["fulfillmentLineItems"]["nodes"]
    return next(node["id"] for node in nodes if node["lineItem"]["id"].endswith("/9002"))


def label_bought(client, rt, queue, shops, shopify, easypost, timing):  # noqa: F811
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        set_policy(session, shop, kaolate_with(timing))
        configure_returns(shop, address=WAREHOUSE, easypost_api_key="EZTK_e2e",
                          easypost_webhook_secret=easypost.webhook_secret)
    case_id = approve_defective_hoodie(client, rt, queue, shops, shopify)
    returned = shopify.state.returns[f"gid://shopify/Return/{RETURN}"]
    returned["lines"] = [(_hoodie_fulfillment_line(shopify), 1)]   # the hoodie's own line, so its refund settles it
    returned["line_items"] = [shopify.state.return_line_node(fli, qty, None) for fli, qty in returned["lines"]]
    assert all(state == "succeeded" for state in drain(rt))
    [shipment] = easypost.shipments.values()
    return SimpleNamespace(case_id=case_id, sid=shipment["id"])


@pytest.fixture()
def on_delivery(client, rt, queue, shops, shopify, easypost):  # noqa: F811
    return label_bought(client, rt, queue, shops, shopify, easypost, "on_return_delivered")


def process(rt, queue) -> list[str]:
    statuses = [process_delivery(rt, delivery_id, None, lambda _id: None) for delivery_id in queue]
    queue.clear()
    return statuses


def send(client, easypost, event, **kwargs):  # noqa: F811
    return easypost.deliver(client.post, URL, event, **kwargs)


def refunds(rt) -> list[Action]:
    with rt.sessions() as session:
        return session.scalars(select(Action).where(Action.kind == "refund")).all()


def parcel_and_case(rt, case_id):
    with rt.sessions() as session:
        parcel = session.scalar(select(ReturnParcel).where(ReturnParcel.case_pk == case_id))
        return parcel, session.get(ReturnCase, case_id)


def test_a_delivered_parcel_releases_the_refund_once(client, rt, queue, shopify, easypost, on_delivery):  # noqa: F811
    assert send(client, easypost, easypost.scan(on_delivery.sid, "in_transit")).json["status"] == "accepted"
    assert process(rt, queue) == ["processed"]
    assert refunds(rt) == []                                       # in transit: the refund still waits
    delivered = easypost.scan(on_delivery.sid, "delivered")
    assert send(client, easypost, delivered).json["status"] == "accepted"
    assert send(client, easypost, delivered).json["status"] == "duplicate"   # EasyPost's retry of the same Event
    signed = easypost.scan(on_delivery.sid, "delivered", hours=1, message="Delivered, front desk")
    assert send(client, easypost, signed).json["status"] == "accepted"        # a new Event, the same step
    rows, outcomes = list(queue), []
    queue.clear()
    start = threading.Barrier(2)

    def worker(delivery_id):
        start.wait()
        for _ in range(5):   # a retryable failure (a lost race) is run again, as the queue would
            try:
                outcomes.append(process_delivery(rt, delivery_id, None, lambda _id: None))
                return
            except Exception as exc:  # noqa: BLE001
                outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=worker, args=(row,)) for row in rows]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("processed") == 2
    assert process_delivery(rt, rows[0], None, lambda _id: None) == "processed"   # a repeated queue message
    [refund] = refunds(rt)
    parcel, case = parcel_and_case(rt, on_delivery.case_id)
    assert (parcel.step, case.status, refund.idempotency_key.endswith("-refund-released")) == (
        "delivered", "delivered", True)
    assert drain(rt) == ["succeeded"]
    with rt.sessions() as session:
        total = session.get(ReturnCase, on_delivery.case_id).decisions[-1].document["refund"]["total"]
    assert refund.payload["amount"] == total
    with rt.sessions() as session:   # the customer is told of each step once (integration/notify/announce.py)
        told = session.scalars(select(Announcement.event).where(Announcement.case_pk == on_delivery.case_id,
                                                                Announcement.event.like("return.%"))).all()
    assert sorted(told) == ["return.delivered", "return.in_transit"]
    assert [r["amount"] for r in shopify.state.refunds] == [Decimal(total)] and Decimal(total) > 0   # paid once


def test_a_later_in_transit_event_does_not_move_a_delivered_parcel_back(client, rt, queue, easypost, on_delivery):  # noqa: F811
    scanned = easypost.scan(on_delivery.sid, "in_transit")
    delivered = easypost.scan(on_delivery.sid, "delivered")
    send(client, easypost, delivered)
    send(client, easypost, scanned)                 # the older Event arrives last
    assert process(rt, queue) == ["processed", "processed"]
    parcel, case = parcel_and_case(rt, on_delivery.case_id)
    assert (parcel.step, case.status, parcel.carrier_status) == ("delivered", "delivered", "delivered")
    assert parcel.in_transit_at < parcel.delivered_at
    assert len(refunds(rt)) == 1


def test_a_refund_on_the_first_scan_is_released_in_transit(client, rt, queue, shops, shopify, easypost):  # noqa: F811
    bought = label_bought(client, rt, queue, shops, shopify, easypost, "on_return_scan")
    send(client, easypost, easypost.scan(bought.sid, "pre_transit"))
    process(rt, queue)
    assert refunds(rt) == []                         # a label printed is not a scan
    send(client, easypost, easypost.scan(bought.sid, "in_transit"))
    send(client, easypost, easypost.scan(bought.sid, "delivered"))
    process(rt, queue)
    [refund] = refunds(rt)
    assert parcel_and_case(rt, bought.case_id)[1].status == "delivered"


def test_a_bad_signature_is_refused_and_stores_nothing(client, rt, queue, easypost, on_delivery):  # noqa: F811
    event = easypost.scan(on_delivery.sid, "delivered")
    response = send(client, easypost, event, secret="not-the-secret")
    assert response.status_code == 401 and response.json["status"] == "invalid-signature"
    body, headers = easypost.signed_event(event)
    assert client.post(URL, data=body + b" ", headers=headers).status_code == 401        # a tampered body
    assert client.post(URL, data=body, headers={"Content-Type": "application/json"}).status_code == 401
    assert client.post("/webhooks/easypost/nobody.myshopify.com", data=body, headers=headers).status_code == 404
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)
                              .where(WebhookDelivery.platform == "easypost")) == 0
    assert queue == [] and refunds(rt) == []


def test_a_shop_without_a_webhook_secret_takes_no_tracking(client, rt, queue, shops, easypost, on_delivery):  # noqa: F811
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shops["shopify"].id), easypost_webhook_secret="")
    assert send(client, easypost, easypost.scan(on_delivery.sid, "in_transit")).status_code == 401
    assert queue == []


def test_an_unknown_tracker_is_kept_and_ignored(client, rt, queue, easypost, on_delivery, caplog):  # noqa: F811
    event = easypost.scan(on_delivery.sid, "delivered")
    event["result"].update(id="trk_elsewhere", shipment_id="shp_elsewhere")
    assert send(client, easypost, event).json["status"] == "accepted"
    with caplog.at_level("INFO"):
        assert process(rt, queue) == ["ignored"]
    assert "tracking.unknown-tracker" in caplog.text
    with rt.sessions() as session:
        [row] = session.scalars(select(WebhookDelivery).where(WebhookDelivery.platform == "easypost")).all()
        assert row.body and row.error == "not a return label returnkit bought for this shop"
    assert parcel_and_case(rt, on_delivery.case_id)[0] is None and refunds(rt) == []


def test_a_signed_body_that_is_no_event_is_400_and_other_events_are_kept_unprocessed(client, rt, queue, easypost,  # noqa: F811
                                                                                     on_delivery):
    body, headers = easypost.signed_event({"object": "Tracker", "id": "trk_1"})
    assert client.post(URL, data=body, headers=headers).status_code == 400
    batch = {"object": "Event", "id": "evt_batch", "description": "batch.updated", "result": {"object": "Batch"}}
    assert send(client, easypost, batch).json["status"] == "ignored"
    assert queue == []
    with rt.sessions() as session:
        assert session.scalars(select(WebhookDelivery.topic).where(WebhookDelivery.platform == "easypost")).all() == [
            "batch.updated"]
