"""Windows: is a request inside, outside, or (anchor unknown) undecidable, and when does it close."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from integration.domain.case import LineItem, Order
from integration.policy.model import Window

INSIDE, OUTSIDE, UNKNOWN = "inside", "outside", "unknown"
_LAST_SECOND = time(23, 59, 59)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 -> Feb 28/29)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def anchor_time(anchor: str, order: Order, line: LineItem | None) -> datetime | None:
    """When the window's anchor event happened, or None if it has not (or is not known)."""
    if anchor == "purchase":
        return order.placed_at
    if anchor == "production_start":
        return order.production_started_at_for(line) if line is not None else order.production_started_at
    return order.delivered_at_for(line) if line is not None else order.delivered_at


def window_deadline(window: Window, anchor: datetime, tz: ZoneInfo) -> datetime:
    """The last moment inside the window, in the shop's time zone."""
    if window.unit == "hours":
        return (anchor + timedelta(hours=window.length)).astimezone(tz)
    start = anchor.astimezone(tz).date()
    if window.unit == "days":
        last = start + timedelta(days=window.length)
    else:
        last = add_months(start, window.length * (12 if window.unit == "years" else 1))
    # fold=1: where 23:59:59 happens twice (a zone falling back at midnight), the window ends at the later one.
    return datetime.combine(last, _LAST_SECOND, tzinfo=tz).replace(fold=1)


class WindowStates(dict):
    """Window name -> state, computed the first time a rule asks; deadlines kept alongside."""

    def __init__(self, windows, order: Order, line: LineItem | None, submitted_at: datetime, tz: ZoneInfo):
        super().__init__()
        self._args = (windows, order, line, submitted_at, tz)
        self.deadlines: dict[str, datetime | None] = {}

    def __missing__(self, name: str) -> str:
        windows, order, line, submitted_at, tz = self._args
        state, self.deadlines[name] = window_state(windows[name], order, line, submitted_at, tz)
        self[name] = state
        return state

    def deadline(self, name: str) -> datetime | None:
        """The window's last moment (None when the anchor is unknown or nothing bounds it)."""
        self[name]  # noqa: B018 - computes the state and the deadline on first use
        return self.deadlines[name]


def window_state(window: Window, order: Order, line: LineItem | None, submitted_at: datetime,
                 tz: ZoneInfo) -> tuple[str, datetime | None]:
    """(inside | outside | unknown, deadline) for a request submitted at `submitted_at`.

    Calendar windows compare local dates (the anchor's day is day 0); hour windows compare instants.
    """
    if window.until == "production_start":
        start = order.production_started_at_for(line) if line is not None else order.production_started_at
        if start is None:
            return INSIDE, None
        return (INSIDE if submitted_at < start else OUTSIDE), start.astimezone(tz)
    anchor = anchor_time(window.anchor, order, line)
    if anchor is None:
        if window.fallback is not None:
            return window_state(window.fallback, order, line, submitted_at, tz)
        return UNKNOWN, None
    deadline = window_deadline(window, anchor, tz)
    if window.unit == "hours":
        inside = submitted_at <= deadline
    else:
        inside = submitted_at.astimezone(tz).date() <= deadline.date()
    return (INSIDE if inside else OUTSIDE), deadline
