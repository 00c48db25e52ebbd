"""Windows: is a request inside, outside, or (anchor unknown) undecidable, and when does it close."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from integration.domain.case import LineItem, Order
from integration.policy.calendar import Calendar, add_business_days
from integration.policy.model import Window

INSIDE, OUTSIDE, UNKNOWN = "inside", "outside", "unknown"
MILESTONE = "milestone."
WEEKDAYS_ONLY = Calendar()
_LAST_SECOND = time(23, 59, 59)
# Each anchor for one line (its own date where it has one) or, with no line, for the order.
_ANCHORS = {
    "purchase": lambda order, line: order.placed_at,
    "production_start": lambda order, line: (order.production_started_at if line is None
                                             else order.production_started_at_for(line)),
    "shipment": lambda order, line: order.shipped_at if line is None else order.shipped_at_for(line),
    "delivery": lambda order, line: order.delivered_at if line is None else order.delivered_at_for(line),
    "event": lambda order, line: order.event_at,
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 -> Feb 28/29)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def next_month_day(start: date, month: int, day: int) -> date:
    """The first `month`-`day` on or after `start` (29 Feb is 28 Feb in other years)."""
    def on(year: int) -> date:
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return on(start.year) if on(start.year) >= start else on(start.year + 1)


def anchor_time(anchor: str, order: Order, line: LineItem | None) -> datetime | None:
    """When the window's anchor event happened, or None if it has not (or is not known)."""
    if anchor.startswith(MILESTONE):
        return order.milestone(anchor[len(MILESTONE):])
    return _ANCHORS[anchor](order, line)


def counts_instants(window: Window) -> bool:
    """True for an hour window (elapsed time); the others compare local dates."""
    return window.unit == "hours" and window.ends_on is None


def last_day(window: Window, start: date, cal: Calendar) -> date:
    """The window's last local day for an anchor on local day `start` (day 0)."""
    if window.ends_on is not None:
        return next_month_day(start, *window.ends_on)
    length = -window.length if window.before else window.length
    if window.unit == "days":
        return start + timedelta(days=length)
    if window.unit == "business_days":
        return add_business_days(start, length, cal)
    return add_months(start, length * (12 if window.unit == "years" else 1))


def window_deadline(window: Window, anchor: datetime, tz: ZoneInfo, cal: Calendar = WEEKDAYS_ONLY) -> datetime:
    """The last moment inside the window, in the shop's time zone."""
    if counts_instants(window):
        return (anchor + timedelta(hours=-window.length if window.before else window.length)).astimezone(tz)
    last = last_day(window, anchor.astimezone(tz).date(), cal)
    # fold=1: where 23:59:59 happens twice (a zone falling back at midnight), the window ends at the later one.
    return datetime.combine(last, _LAST_SECOND, tzinfo=tz).replace(fold=1)


class WindowStates(dict):
    """Window name -> state, computed the first time a rule asks; deadlines kept alongside."""

    def __init__(self, windows, order: Order, line: LineItem | None, submitted_at: datetime, tz: ZoneInfo,
                 cal: Calendar = WEEKDAYS_ONLY):
        super().__init__()
        self._args = (windows, order, line, submitted_at, tz, cal)
        self.deadlines: dict[str, datetime | None] = {}

    def __missing__(self, name: str) -> str:
        windows, order, line, submitted_at, tz, cal = self._args
        state, self.deadlines[name] = window_state(windows[name], order, line, submitted_at, tz, cal)
        self[name] = state
        return state

    def deadline(self, name: str) -> datetime | None:
        """The window's last moment (None when the anchor is unknown or nothing bounds it)."""
        self[name]  # noqa: B018 - computes the state and the deadline on first use
        return self.deadlines[name]


def window_state(window: Window, order: Order, line: LineItem | None, submitted_at: datetime,
                 tz: ZoneInfo, cal: Calendar = WEEKDAYS_ONLY) -> tuple[str, datetime | None]:
    """(inside | outside | unknown, deadline) for a request submitted at `submitted_at`.

    Calendar windows compare local dates (the anchor's day is day 0); hour windows compare instants; an `until`
    window is open until its event happens (and while it has not).
    """
    if window.until:
        end = anchor_time(window.until, order, line)
        if end is None:
            return INSIDE, None
        return (INSIDE if submitted_at < end else OUTSIDE), end.astimezone(tz)
    anchor = anchor_time(window.anchor, order, line)
    if anchor is None:
        if window.fallback is not None:
            return window_state(window.fallback, order, line, submitted_at, tz, cal)
        return UNKNOWN, None
    deadline = window_deadline(window, anchor, tz, cal)
    if counts_instants(window):
        inside = submitted_at <= deadline
    else:
        inside = submitted_at.astimezone(tz).date() <= deadline.date()
    return (INSIDE if inside else OUTSIDE), deadline
