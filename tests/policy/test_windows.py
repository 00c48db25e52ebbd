"""Windows count calendar days in the shop's time zone (anchor day = day 0); hour windows count elapsed time."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from integration.domain.case import Order, LineItem
from integration.policy.model import Window
from integration.policy.windows import add_months, window_state

CHICAGO = ZoneInfo("America/Chicago")


def _order(delivered=None, placed="2026-03-01T10:00:00-06:00", production=None):
    line = LineItem("1", "Widget", 1, __import__("decimal").Decimal("10"))
    parse = lambda s: datetime.fromisoformat(s) if s else None
    return Order("1", "USD", parse(placed), (line,), delivered_at=parse(delivered),
                 production_started_at=parse(production))


def _state(window, order, submitted, tz=CHICAGO):
    return window_state(window, order, order.line_items[0], datetime.fromisoformat(submitted), tz)


SEVEN_DAYS = Window("claim", "delivery", unit="days", length=7)


@pytest.mark.parametrize("submitted, expected", [
    ("2026-05-09T23:59:59-05:00", "inside"),    # day 7, last second
    ("2026-05-10T00:00:00-05:00", "outside"),   # day 8, first second
    ("2026-05-02T08:00:00-05:00", "inside"),    # day 0, before the delivery hour
    ("2026-05-10T04:30:00+00:00", "inside"),    # day 8 in UTC, still day 7 in Chicago
    ("2026-05-01T12:00:00-05:00", "inside"),    # before delivery: nothing has started counting
])
def test_day_window_counts_calendar_days_in_the_shop_zone(submitted, expected):
    order = _order(delivered="2026-05-02T13:00:00-05:00")
    assert _state(SEVEN_DAYS, order, submitted)[0] == expected


def test_delivery_late_at_night_utc_counts_from_the_local_day():
    # 2026-05-03T02:00Z is 21:00 on 2026-05-02 in Chicago: day 0 is May 2.
    order = _order(delivered="2026-05-03T02:00:00+00:00")
    state, deadline = _state(SEVEN_DAYS, order, "2026-05-10T01:00:00-05:00")
    assert state == "outside"
    assert deadline.isoformat() == "2026-05-09T23:59:59-05:00"


def test_deadline_crosses_spring_forward_and_keeps_local_midnight():
    # Delivered 2026-03-05 (CST, -06:00); day 7 is 2026-03-12, after the DST switch on 2026-03-08.
    order = _order(delivered="2026-03-05T12:00:00-06:00")
    state, deadline = _state(SEVEN_DAYS, order, "2026-03-12T23:30:00-05:00")
    assert state == "inside"
    assert deadline.isoformat() == "2026-03-12T23:59:59-05:00"
    assert _state(SEVEN_DAYS, order, "2026-03-13T00:00:01-05:00")[0] == "outside"


def test_deadline_crosses_fall_back():
    order = _order(delivered="2026-10-30T12:00:00-05:00")
    state, deadline = _state(SEVEN_DAYS, order, "2026-11-06T23:59:00-06:00")
    assert (state, deadline.isoformat()) == ("inside", "2026-11-06T23:59:59-06:00")


@pytest.mark.parametrize("submitted, expected", [
    ("2026-03-01T11:00:00-06:00", "inside"),    # exactly one hour
    ("2026-03-01T11:00:01-06:00", "outside"),
    ("2026-03-01T17:00:00+00:00", "inside"),    # the same instant written in UTC
])
def test_hour_window_counts_elapsed_time(submitted, expected):
    window = Window("cancel", "purchase", unit="hours", length=1)
    assert _state(window, _order(), submitted)[0] == expected


def test_hour_window_over_dst_switch_is_elapsed_time_not_wall_clock():
    # Placed 01:30 CST on the night clocks jump to 03:00: 24 elapsed hours end at 02:30 CDT next day.
    window = Window("cancel", "purchase", unit="hours", length=24)
    order = _order(placed="2026-03-08T01:30:00-06:00")
    state, deadline = _state(window, order, "2026-03-09T02:30:00-05:00")
    assert (state, deadline.isoformat()) == ("inside", "2026-03-09T02:30:00-05:00")
    assert _state(window, order, "2026-03-09T02:30:01-05:00")[0] == "outside"


def test_year_window_ends_on_the_anniversary():
    window = Window("warranty", "delivery", unit="years", length=1)
    order = _order(delivered="2026-05-02T13:00:00-05:00")
    assert _state(window, order, "2027-05-02T23:00:00-05:00")[0] == "inside"
    assert _state(window, order, "2027-05-03T00:00:00-05:00")[0] == "outside"


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)), (date(2026, 5, 2), 0, date(2026, 5, 2)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_unknown_delivery_is_unknown_unless_a_fallback_is_declared():
    order = _order(delivered=None)
    assert _state(SEVEN_DAYS, order, "2026-03-05T10:00:00-06:00") == ("unknown", None)
    with_fallback = Window("claim", "delivery", unit="days", length=7,
                           fallback=Window("claim", "purchase", unit="days", length=21))
    state, deadline = _state(with_fallback, order, "2026-03-22T10:00:00-05:00")
    assert (state, deadline.isoformat()) == ("inside", "2026-03-22T23:59:59-05:00")


def test_line_delivery_overrides_the_order_delivery():
    from dataclasses import replace
    order = _order(delivered="2026-05-02T13:00:00-05:00")
    late_line = replace(order.line_items[0], delivered_at=datetime.fromisoformat("2026-05-20T10:00:00-05:00"))
    state, _ = window_state(SEVEN_DAYS, order, late_line, datetime.fromisoformat("2026-05-25T10:00:00-05:00"), CHICAGO)
    assert state == "inside"
    undelivered = replace(order.line_items[0], delivered_at=None)
    assert window_state(SEVEN_DAYS, order, undelivered, datetime.fromisoformat("2026-05-25T10:00:00-05:00"),
                        CHICAGO)[0] == "unknown"


@pytest.mark.parametrize("production, submitted, expected", [
    (None, "2026-03-02T10:00:00-06:00", "inside"),
    ("2026-03-02T09:00:00-06:00", "2026-03-02T08:59:59-06:00", "inside"),
    ("2026-03-02T09:00:00-06:00", "2026-03-02T09:00:00-06:00", "outside"),
])
def test_until_production_start(production, submitted, expected):
    window = Window("before_production", None, until="production_start")
    assert _state(window, _order(production=production), submitted)[0] == expected
