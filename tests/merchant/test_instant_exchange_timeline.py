"""The order's timeline shows an instant exchange's item still to come back, until it arrives or is inspected."""
import re
from datetime import datetime, timezone

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.order_models import Order
from integration.db.request_models import Action, ReturnParcel
from tests.e2e.exchange_world import SIZE_EXCHANGE, ask, inspect, kaolate_store, kaolate_with, stock, use_policy_text
from tests.e2e.test_shopify_actions import drain
from tests.e2e.test_woocommerce_actions import ORDER
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)
from tests.web_helpers import sign_in

STILL_TO_COME = "Exchange sent before the return: the customer's item is still to come back"


def _exchanged(client, rt, queue, shops, woo, instant=True) -> tuple[str, int, int]:
    """A size exchange approved on the Kaolate store (instant or not), its actions run; key, request, order pk."""
    key = kaolate_store(client, rt, queue, shops)
    if instant:
        use_policy_text(rt, shops["woocommerce"].id, kaolate_with("exchange: {instant: true}"))
    stock(woo, price="20.00", units=3)
    response = ask(client, key, SIZE_EXCHANGE)
    assert response.status_code in (200, 201), response.json
    drain(rt)
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shops["woocommerce"].id,
                                                         Order.order_id == ORDER))
    sign_in(client, shops["woocommerce"].id)
    return key, response.json["request_id"], order_pk


def _state(client, order_pk: int, case_id: int) -> str | None:
    page = client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)
    entry = re.search(rf'<li class="entry exchange_return" id="exchange_return-{case_id}">(.*?)</li>', page, re.S)
    if entry is None:
        return None
    assert STILL_TO_COME in entry.group(1)
    return re.search(r'<span class="state (\w+)">', entry.group(1)).group(1)


def test_open_while_the_item_is_out_then_closed_by_the_inspection(client, rt, queue, shops, woo):
    key, case_id, order_pk = _exchanged(client, rt, queue, shops, woo)
    assert _state(client, order_pk, case_id) == "open"
    assert f"Inspect request {case_id}" not in client.get("/app/review/").get_data(as_text=True)  # not listed there
    assert inspect(client, key, case_id).status_code == 200
    assert _state(client, order_pk, case_id) == "closed"
    assert "inspected" in client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)


def test_closed_once_the_return_parcel_is_delivered(client, rt, queue, shops, woo):
    _, case_id, order_pk = _exchanged(client, rt, queue, shops, woo)
    with transaction(rt.sessions) as session:
        action_pk = session.scalar(select(Action.id).order_by(Action.id))
        session.add(ReturnParcel(shop_id=shops["woocommerce"].id, case_pk=case_id, action_pk=action_pk,
                                 shipment_id="shp_1", step="label_created"))
    assert _state(client, order_pk, case_id) == "open"           # a label alone brings nothing back
    with transaction(rt.sessions) as session:
        parcel = session.scalar(select(ReturnParcel).where(ReturnParcel.case_pk == case_id))
        parcel.step, parcel.delivered_at = "delivered", datetime(2026, 5, 14, 9, 30, tzinfo=timezone.utc)
    assert _state(client, order_pk, case_id) == "closed"
    # 09:30 UTC is 03:30 in the shop's zone (Kaolate's policy: America/Denver, MDT in May)
    assert "delivered back 14 May 2026, 03:30" in client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)


def test_an_exchange_that_waits_for_the_return_shows_no_such_entry(client, rt, queue, shops, woo):
    _, case_id, order_pk = _exchanged(client, rt, queue, shops, woo, instant=False)
    assert _state(client, order_pk, case_id) is None
