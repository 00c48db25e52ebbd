"""An unused label closes its request after the policy's days; the customer page and the order's timeline show
how far the parcel has come."""
from datetime import timedelta

from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, ReturnCase, ReturnParcel
from integration.db.unit_of_work import unit_of_work
from integration.requests.customer_words import customer_date
from integration.requests.label_expiry import expire_unused_labels
from integration.shops.current_policy import policy_for
from integration.web.limits import limiter
from tests.e2e.test_return_labels import easypost  # noqa: F401  (the fixture)
from tests.e2e.test_shopify_actions import ORDER, shopify  # noqa: F401  (the fixture)
from tests.tracking.test_return_tracking import on_delivery, process, send  # noqa: F401  (the fixture)
from tests.web.test_customer_pages import PAGE, _find
from tests.web_helpers import sign_in


def expire(rt, days_from_now: float) -> list[int]:
    with unit_of_work(rt.sessions, lambda _id: None) as session:
        return expire_unused_labels(session, utcnow() + timedelta(days=days_from_now))


def day(rt, step_time: str) -> str:
    with rt.sessions() as session:
        shop = session.get(Shop, session.scalar(select(ReturnCase)).shop_id)
        # As the customer page writes it: "Monday 7 December", in the shop's time zone.
        at = getattr(session.scalar(select(ReturnParcel)), step_time)
        return customer_date(at, policy_for(session, shop)[1].timezone)


def customer_notes(rt) -> list[Action]:
    with rt.sessions() as session:
        return session.scalars(select(Action).where(Action.kind == "customer_note")).all()


def test_an_unused_label_closes_the_request_once_with_a_note(rt, on_delivery):
    assert expire(rt, 13.9) == []                       # the policy gives the label 14 days
    assert expire(rt, 14.1) == [on_delivery.case_id]
    assert expire(rt, 30) == []                         # closed once, told once
    [note] = customer_notes(rt)
    assert note.payload["order_id"] == ORDER and "not used within 14 days" in note.payload["text"]
    assert f"/r/{PAGE.rsplit('/', 1)[1]}" in note.payload["text"]
    with rt.sessions() as session:
        assert session.get(ReturnCase, on_delivery.case_id).status == "closed"
        parcel = session.scalar(select(ReturnParcel))
        assert (parcel.step, parcel.expired_at is not None) == ("expired", True)


def test_a_scanned_label_never_expires(client, rt, queue, easypost, on_delivery):  # noqa: F811
    send(client, easypost, easypost.scan(on_delivery.sid, "in_transit"))
    process(rt, queue)
    assert expire(rt, 60) == [] and customer_notes(rt) == []


def test_the_customer_page_and_the_timeline_show_the_parcels_progress(client, rt, queue, shops, easypost,  # noqa: F811
                                                                      on_delivery):
    limiter.reset()
    _find(client)
    page = client.get(f"{PAGE}/requests/{on_delivery.case_id}").data.decode()
    assert "Your parcel" in page and "Label ready ·" in page and "On its way · not yet" in page
    send(client, easypost, easypost.scan(on_delivery.sid, "in_transit"))
    process(rt, queue)
    page = client.get(f"{PAGE}/requests/{on_delivery.case_id}").data.decode()
    assert f"On its way · {day(rt, 'in_transit_at')}" in page and "Delivered to the shop · not yet" in page
    send(client, easypost, easypost.scan(on_delivery.sid, "delivered", hours=24))
    process(rt, queue)
    page = client.get(f"{PAGE}/requests/{on_delivery.case_id}").data.decode()
    assert f"Delivered to the shop · {day(rt, 'delivered_at')}" in page
    sign_in(client, shops["shopify"].id)
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.order_id == ORDER))
    timeline = client.get(f"/app/activity/orders/{order_pk}").data.decode()
    assert "scanned by the carrier (in transit)" in timeline and "delivered back to the shop" in timeline
    assert timeline.index("scanned by the carrier") < timeline.index("delivered back to the shop")


def test_a_parcel_scanned_after_its_request_closed_releases_nothing(client, rt, queue, easypost, on_delivery):  # noqa: F811
    assert expire(rt, 15) == [on_delivery.case_id]
    send(client, easypost, easypost.scan(on_delivery.sid, "in_transit"))
    send(client, easypost, easypost.scan(on_delivery.sid, "delivered"))
    assert process(rt, queue) == ["processed", "processed"]
    with rt.sessions() as session:
        assert session.get(ReturnCase, on_delivery.case_id).status == "closed"
        assert session.scalar(select(ReturnParcel.step)) == "expired"
        assert session.scalars(select(Action).where(Action.kind == "refund")).all() == []
