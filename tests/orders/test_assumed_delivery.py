"""WooCommerce delivery: a tracking plugin's delivered status, else the shop's "assume delivered N days after
shipping" (off by default); a decision made on an assumed delivery says so."""
from __future__ import annotations

import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.merchant.timeline import order_timeline
from integration.orders.picture import find_order
from integration.requests.decide import submit_request
from integration.shops.returns_setup import ReturnsSetupError, configure_returns
from tests.adapters.test_real_payloads import contract_order, decide_on, replay, sample
from tests.webhook_helpers import post

ORDER = "723"   # completed 2017-03-21T19:54:51Z (14:54:51 in kinectr's America/Chicago), no tracking plugin
SAMPLE = "docs_order_updated__723_completed_refunds"


def claim(submitted_at: str) -> dict:
    """A defect claim on one unit, with the evidence kinectr asks for (its claim window: 7 days from delivery)."""
    return {"type": "return", "submitted_at": submitted_at, "reason": "defective",
            "items": [{"line_item_id": "313", "quantity": 1}],
            "evidence": {"photos": 1, "description": True}}


def assume(rt, shop_id: int, days) -> None:
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shop_id), assume_delivered_after_days=days)


@pytest.fixture()
def woo_723(client, rt, queue, shops):
    assert replay(client, rt, queue, "woocommerce", [SAMPLE]) == ["processed"]
    return shops["woocommerce"].id


def test_a_completed_untracked_order_has_no_delivery_by_default(rt, woo_723):
    order = contract_order(rt, woo_723, ORDER)
    assert order["shipped_at"] == "2017-03-21T19:54:51+00:00"
    assert order["delivered_at"] is None and "delivery_assumed_after_days" not in order
    decision = decide_on(rt, woo_723, ORDER, claim("2017-03-24T10:00:00-05:00"), "kinectr")
    assert decision["rules"] == ["delivery-unconfirmed"] and "delivery_assumed" not in decision
    assert "assumed" not in decision["explanation"]


def test_with_the_setting_on_delivery_is_shipping_plus_n_days_in_the_shops_zone(rt, woo_723):
    assume(rt, woo_723, "3")
    order = contract_order(rt, woo_723, ORDER)
    assert (order["delivered_at"], order["delivery_assumed_after_days"]) == ("2017-03-24T14:54:51-05:00", 3)
    # Assumed delivery Mar 24 (Chicago): the 7-day claim window's last day is Mar 31 there, which is Apr 1 in UTC.
    inside = decide_on(rt, woo_723, ORDER, claim("2017-04-01T04:30:00+00:00"), "kinectr")
    outside = decide_on(rt, woo_723, ORDER, claim("2017-04-01T05:30:00+00:00"), "kinectr")
    assert inside["outcome"] != "denied" and inside["rules"] != ["delivery-unconfirmed"]
    assert (outside["outcome"], outside["rules"]) == ("denied", ["claim-too-late"])
    for decision in (inside, outside):
        assert (decision["delivery_assumed"], decision["delivery_assumed_after_days"]) == (True, 3)
        assert "The delivery date was assumed: 3 days after shipping" in decision["explanation"]


def test_turning_the_setting_off_brings_unknown_back(rt, woo_723):
    assume(rt, woo_723, 5)
    assume(rt, woo_723, "")
    assert contract_order(rt, woo_723, ORDER)["delivered_at"] is None


@pytest.mark.parametrize("days", ["61", "-1", "two", "1.5"])
def test_a_bad_number_of_days_is_refused_naming_the_setting(rt, shops, days):
    with pytest.raises(ReturnsSetupError, match="assume_delivered_after_days: .* from 1 to 60"):
        assume(rt, shops["woocommerce"].id, days)


def test_a_tracking_plugins_delivered_status_wins_over_the_assumption(client, rt, queue, woo_723):
    assume(rt, woo_723, 3)
    tracked = {**sample("woocommerce", SAMPLE), "date_modified_gmt": "2017-03-23T19:54:51", "meta_data": [
        {"id": 1, "key": "_wc_shipment_tracking_items", "value": [
            {"tracking_provider": "usps", "tracking_number": "9400111899560000000000", "date_shipped": "1490054400",
             "tracking_id": "7f4978c390ee633c6294ae0f258656f9"}]},
        # TrackShip's status_date is the store's local time; order 723's store runs at UTC-3 (date_modified).
        {"id": 2, "key": "shipment_status", "value": [
            {"status": "delivered", "status_date": "2017-03-23 09:15:00", "est_delivery_date": "2017-03-25 00:00:00",
             "tracking_events": []}]}]}
    tracked["date_modified"] = "2017-03-23T16:54:51"
    assert post(client, "woocommerce", "order.updated", tracked).status_code == 200
    assert replay(client, rt, queue, "woocommerce", []) == ["processed"]
    order = contract_order(rt, woo_723, ORDER)
    assert order["delivered_at"] == "2017-03-23T12:15:00+00:00" and "delivery_assumed_after_days" not in order
    decision = decide_on(rt, woo_723, ORDER, claim("2017-03-30T10:00:00-05:00"), "kinectr")
    assert "delivery_assumed" not in decision and "assumed" not in decision["explanation"]


def test_a_parcel_not_yet_delivered_gives_no_delivery_from_the_plugin(client, rt, queue, woo_723):
    tracked = {**sample("woocommerce", SAMPLE), "date_modified_gmt": "2017-03-23T19:54:51", "meta_data": [
        {"id": 2, "key": "shipment_status", "value": [
            {"status": "delivered", "status_date": "2017-03-23 09:15:00"},
            {"status": "in_transit", "status_date": "2017-03-23 10:00:00", "est_delivery_date": "2017-03-24"}]}]}
    assert post(client, "woocommerce", "order.updated", tracked).status_code == 200
    assert replay(client, rt, queue, "woocommerce", []) == ["processed"]
    assert contract_order(rt, woo_723, ORDER)["delivered_at"] is None


def test_the_merchants_timeline_shows_the_assumed_delivery(rt, woo_723):
    assume(rt, woo_723, 3)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, woo_723)
        order = find_order(session, shop, ORDER)
        submit_request(session, shop, order, claim("2017-03-30T10:00:00-05:00"), "api", "assumed-1")
    with rt.sessions() as session:
        shop = session.get(Shop, woo_723)
        entries = order_timeline(session, shop, find_order(session, shop, ORDER))
    [decided] = [e for e in entries if e.kind == "decision"]
    assert "The delivery date was assumed: 3 days after shipping" in decided.fields["explanation"]
