"""Reading the customer's event date leniently: ISO 8601, YYYY/MM/DD, and day/month orders only when unambiguous."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from integration.orders.event_dates import parse_event_date

DENVER = ZoneInfo("America/Denver")


@pytest.mark.parametrize("raw, expected", [
    ("2026-05-20", "2026-05-20T00:00:00-06:00"),            # a date alone: that day's start in the shop's zone
    (" 2026-12-20 ", "2026-12-20T00:00:00-07:00"),           # MST in winter
    ("2026-05-20T14:30:00+02:00", "2026-05-20T14:30:00+02:00"),   # an offset is kept
    ("2026-05-20T14:30:00Z", "2026-05-20T14:30:00+00:00"),
    ("2026-05-20 14:30", "2026-05-20T14:30:00-06:00"),      # a time without offset is the shop's local time
    ("2026/05/20", "2026-05-20T00:00:00-06:00"),
    ("2026.5.2", "2026-05-02T00:00:00-06:00"),
    ("25/05/2026", "2026-05-25T00:00:00-06:00"),            # 25 is no month: day first
    ("05/25/2026", "2026-05-25T00:00:00-06:00"),            # 25 is no month: month first
    ("05-05-2026", "2026-05-05T00:00:00-06:00"),            # both orders agree
])
def test_dates_it_reads(raw, expected):
    assert parse_event_date(raw, DENVER) == datetime.fromisoformat(expected)


@pytest.mark.parametrize("raw", ["04/03/2026", "04/03/19", "2026-02-30", "31/31/2026", "next Friday", "", "20.5.26",
                                 "1777852800"])
def test_ambiguous_or_unreadable_text_gives_no_date(raw):
    assert parse_event_date(raw, DENVER) is None


def test_a_date_is_the_start_of_that_day_in_the_zone_given():
    assert parse_event_date("2026-05-20", timezone.utc).isoformat() == "2026-05-20T00:00:00+00:00"
