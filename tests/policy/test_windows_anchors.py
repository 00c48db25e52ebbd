"""Issue 18 windows: business days on the shop's calendar, `until` any anchor, counting back, `ends_on`, new anchors."""
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from integration.domain.case import LineItem, Order
from integration.policy.calendar import Calendar
from integration.policy.model import Window
from integration.policy.windows import next_month_day, window_state

CHICAGO = ZoneInfo("America/Chicago")
XMAS = Calendar(holidays=frozenset({date(2026, 12, 25), date(2027, 1, 1)}))
JUNETEENTH = Calendar(holidays=frozenset({date(2026, 6, 19)}))


def _at(text):
    return datetime.fromisoformat(text) if text else None


def _order(**anchors):
    line = LineItem("1", "Widget", 1, Decimal("10"))
    fields = {k: _at(v) for k, v in anchors.items() if k != "milestones"}
    milestones = tuple((k, _at(v)) for k, v in anchors.get("milestones", {}).items())
    return Order("1", "USD", fields.pop("placed_at", _at("2026-03-01T10:00:00-06:00")), (line,),
                 milestones=milestones, **fields)


def _state(window, order, submitted, cal=Calendar()):
    state, deadline = window_state(window, order, order.line_items[0], _at(submitted), CHICAGO, cal)
    return state, deadline.isoformat() if deadline else None


# --- business days ------------------------------------------------------------------------------------------

FIVE_BUSINESS = Window("return", "delivery", unit="business_days", length=5)


@pytest.mark.parametrize("cal, submitted, expected", [
    # Delivered Wed 23 Dec: Thu 24 (1), [Fri 25 holiday, weekend], Mon 28 (2), Tue 29, Wed 30, Thu 31 (5).
    (XMAS, "2026-12-31T23:59:59-06:00", "inside"),
    (XMAS, "2027-01-01T00:00:00-06:00", "outside"),
    (XMAS, "2027-01-01T05:59:59+00:00", "inside"),     # still 31 Dec in Chicago
    # Without the holiday Fri 25 counts: Thu 24, Fri 25, Mon 28, Tue 29, Wed 30.
    (Calendar(), "2026-12-30T23:59:59-06:00", "inside"),
    (Calendar(), "2026-12-31T00:00:00-06:00", "outside"),
])
def test_business_days_skip_the_weekend_and_the_shops_holidays(cal, submitted, expected):
    order = _order(delivered_at="2026-12-23T13:00:00-06:00")
    assert _state(FIVE_BUSINESS, order, submitted, cal)[0] == expected


def test_business_day_deadline_lands_on_a_business_day_across_the_autumn_dst_change():
    # Delivered Fri 30 Oct (CDT); clocks fall back Sun 1 Nov; 2 business days: Mon 2, Tue 3 Nov (CST).
    window = Window("w", "delivery", unit="business_days", length=2)
    order = _order(delivered_at="2026-10-30T12:00:00-05:00")
    assert _state(window, order, "2026-11-03T23:59:59-06:00") == ("inside", "2026-11-03T23:59:59-06:00")
    assert _state(window, order, "2026-11-04T00:00:00-06:00")[0] == "outside"


def test_business_day_deadline_across_spring_forward():
    window = Window("w", "delivery", unit="business_days", length=1)
    order = _order(delivered_at="2026-03-06T12:00:00-06:00")   # Fri, CST; Mon 9 Mar is CDT
    assert _state(window, order, "2026-03-09T08:00:00-05:00") == ("inside", "2026-03-09T23:59:59-05:00")


def test_a_weekend_delivery_counts_from_the_next_business_day():
    window = Window("w", "delivery", unit="business_days", length=1)
    order = _order(delivered_at="2026-06-20T12:00:00-05:00")   # Saturday
    assert _state(window, order, "2026-06-22T23:59:59-05:00") == ("inside", "2026-06-22T23:59:59-05:00")


def test_a_shop_working_on_saturdays_counts_them():
    six_day_week = Calendar(workdays=frozenset(range(6)))
    order = _order(delivered_at="2026-06-19T12:00:00-05:00")   # Friday
    window = Window("w", "delivery", unit="business_days", length=1)
    assert _state(window, order, "2026-06-20T23:00:00-05:00", six_day_week)[1] == "2026-06-20T23:59:59-05:00"


# --- until an anchor ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("until, anchors, submitted, expected", [
    ("shipment", {"shipped_at": None}, "2026-05-03T10:00:00-05:00", ("inside", None)),
    ("shipment", {"shipped_at": "2026-05-03T10:00:00-05:00"}, "2026-05-03T09:59:59-05:00",
     ("inside", "2026-05-03T10:00:00-05:00")),
    ("shipment", {"shipped_at": "2026-05-03T10:00:00-05:00"}, "2026-05-03T10:00:00-05:00",
     ("outside", "2026-05-03T10:00:00-05:00")),
    ("milestone.proof_sent", {"milestones": {"proof_sent": None}}, "2026-05-09T10:00:00-05:00", ("inside", None)),
    ("milestone.proof_sent", {}, "2026-05-09T10:00:00-05:00", ("inside", None)),
    ("milestone.proof_sent", {"milestones": {"proof_sent": "2026-05-05T10:00:00-05:00"}},
     "2026-05-05T15:00:00Z", ("outside", "2026-05-05T10:00:00-05:00")),
    ("event", {"event_at": "2026-06-20T15:00:00-05:00"}, "2026-06-20T14:59:59-05:00",
     ("inside", "2026-06-20T15:00:00-05:00")),
])
def test_until_an_anchor_is_open_until_it_happens(until, anchors, submitted, expected):
    assert _state(Window("w", None, until=until), _order(**anchors), submitted) == expected


def test_until_shipment_reads_each_lines_own_shipment():
    shipped = LineItem("1", "Lamp", 1, Decimal("10"), shipped_at=_at("2026-05-02T10:00:00-05:00"))
    waiting = LineItem("2", "Plate", 1, Decimal("10"), shipped_at=None)
    order = replace(_order(shipped_at="2026-05-02T10:00:00-05:00"), line_items=(shipped, waiting))
    window, when = Window("w", None, until="shipment"), _at("2026-05-03T10:00:00-05:00")
    assert window_state(window, order, shipped, when, CHICAGO)[0] == "outside"
    assert window_state(window, order, waiting, when, CHICAGO)[0] == "inside"


# --- from the new anchors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("submitted, expected", [
    ("2026-05-06T10:00:00-05:00", "inside"), ("2026-05-06T10:00:01-05:00", "outside")])
def test_from_a_milestone_counts_elapsed_hours(submitted, expected):
    window = Window("after_proof", "milestone.proof_sent", unit="hours", length=24)
    order = _order(milestones={"proof_sent": "2026-05-05T10:00:00-05:00"})
    assert _state(window, order, submitted)[0] == expected


def test_unknown_new_anchors_are_unknown_unless_a_fallback_is_given():
    order = _order(event_at=None, shipped_at=None)
    for anchor in ("shipment", "event", "milestone.proof_sent"):
        assert _state(Window("w", anchor, unit="days", length=3), order, "2026-03-02T10:00:00-06:00") == \
            ("unknown", None)
    counted_back = Window("w", "event", unit="days", length=14, before=True,
                          fallback=Window("w", "purchase", unit="days", length=2))
    assert _state(counted_back, order, "2026-03-03T23:00:00-06:00") == ("inside", "2026-03-03T23:59:59-06:00")


# --- counting back from the event ---------------------------------------------------------------------------

EVENT = {"event_at": "2026-06-20T15:00:00-05:00"}   # a Saturday


@pytest.mark.parametrize("window, submitted, expected", [
    # 20 Jun minus 14 days is 6 Jun: inside through that local day.
    (Window("full", "event", unit="days", length=14, before=True), "2026-06-06T23:59:59-05:00",
     ("inside", "2026-06-06T23:59:59-05:00")),
    (Window("full", "event", unit="days", length=14, before=True), "2026-06-07T00:00:00-05:00",
     ("outside", "2026-06-06T23:59:59-05:00")),
    (Window("full", "event", unit="days", length=14, before=True), "2026-06-07T04:30:00+00:00",
     ("inside", "2026-06-06T23:59:59-05:00")),
    (Window("half", "event", unit="days", length=7, before=True), "2026-06-13T12:00:00-05:00",
     ("inside", "2026-06-13T23:59:59-05:00")),
    (Window("half", "event", unit="days", length=7, before=True), "2026-06-21T12:00:00-05:00",
     ("outside", "2026-06-13T23:59:59-05:00")),
    (Window("day0", "event", unit="days", length=0, before=True), "2026-06-20T23:00:00-05:00",
     ("inside", "2026-06-20T23:59:59-05:00")),
    (Window("h", "event", unit="hours", length=48, before=True), "2026-06-18T15:00:00-05:00",
     ("inside", "2026-06-18T15:00:00-05:00")),
    (Window("h", "event", unit="hours", length=48, before=True), "2026-06-18T15:00:01-05:00",
     ("outside", "2026-06-18T15:00:00-05:00")),
])
def test_counting_back_from_the_event(window, submitted, expected):
    assert _state(window, _order(**EVENT), submitted) == expected


@pytest.mark.parametrize("cal, last", [(Calendar(), "2026-06-19"), (JUNETEENTH, "2026-06-18")])
def test_counting_back_business_days_lands_on_a_business_day(cal, last):
    window = Window("w", "event", unit="business_days", length=1, before=True)
    order = _order(event_at="2026-06-22T09:00:00-05:00")   # a Monday: one business day before is Fri 19 (or Thu)
    assert _state(window, order, f"{last}T23:59:59-05:00", cal) == ("inside", f"{last}T23:59:59-05:00")
    assert _state(window, order, "2026-06-20T00:00:00-05:00", cal)[0] == "outside"


# --- ends on a calendar date --------------------------------------------------------------------------------

@pytest.mark.parametrize("placed, expected", [
    ("2026-12-10T10:00:00-06:00", "2027-01-31"),   # a December order: the next 31 January
    ("2027-01-15T10:00:00-06:00", "2027-01-31"),
    ("2027-01-31T23:00:00-06:00", "2027-01-31"),   # on the day itself
    ("2027-02-01T00:30:00-06:00", "2028-01-31"),
    ("2027-02-01T05:30:00+00:00", "2027-01-31"),   # still 31 January in Chicago
])
def test_ends_on_the_first_such_date_on_or_after_the_anchor(placed, expected):
    window = Window("holiday", "purchase", ends_on=(1, 31))
    state, deadline = _state(window, _order(placed_at=placed), f"{expected}T23:59:59-06:00")
    assert (state, deadline) == ("inside", f"{expected}T23:59:59-06:00")
    day_after = date.fromisoformat(expected).replace(month=2, day=1)
    assert _state(window, _order(placed_at=placed), f"{day_after}T00:00:00-06:00")[0] == "outside"


@pytest.mark.parametrize("start, expected", [
    (date(2027, 3, 1), date(2028, 2, 29)), (date(2028, 3, 1), date(2029, 2, 28)),
    (date(2027, 2, 28), date(2027, 2, 28)),
])
def test_ends_on_29_february_is_28_february_in_other_years(start, expected):
    assert next_month_day(start, 2, 29) == expected
