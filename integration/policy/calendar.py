"""The shop's working calendar: which days count as business days (weekdays, less the shop's holidays)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# More than a year of consecutive closed days is a document error the compiler rejects; this only bounds the loop.
_MAX_SCAN = 800


@dataclass(frozen=True, slots=True)
class Calendar:
    workdays: frozenset[int] = frozenset(range(5))   # date.weekday(): Monday 0 ... Sunday 6
    holidays: frozenset[date] = frozenset()

    def is_business_day(self, day: date) -> bool:
        """True when the shop works that day."""
        return day.weekday() in self.workdays and day not in self.holidays


def add_business_days(start: date, count: int, cal: Calendar) -> date:
    """The `count`-th business day after `start` (before it when count is negative); start itself is day 0."""
    step, left = timedelta(days=1 if count >= 0 else -1), abs(count)
    day = start
    for _ in range(left + _MAX_SCAN * (left // 5 + 1)):
        if left == 0:
            return day
        day += step
        left -= cal.is_business_day(day)
    raise ValueError("the calendar has no business days")


def business_days_between(start: date, end: date, cal: Calendar) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += cal.is_business_day(day)
    return count


def elapsed_days(since: datetime, at: datetime, tz: ZoneInfo, cal: Calendar | None = None) -> int:
    """Days from `since` (day 0) to `at`, counted on local dates in `tz`: calendar days, or business days when a
    calendar is given. Negative when `at` is before `since` (counting back from an event)."""
    start, end = since.astimezone(tz).date(), at.astimezone(tz).date()
    if cal is None:
        return (end - start).days
    return business_days_between(start, end, cal) if end >= start else -business_days_between(end, start, cal)


def longest_closure(cal: Calendar) -> int:
    """The most consecutive days the shop is closed: holidays joined by its weekly days off."""
    # A closed run longer than the weekly days off holds a holiday, and each of its days is within 6 days of one.
    near = set()
    for holiday in cal.holidays:
        for offset in range(-6, 7):
            try:
                near.add(holiday + timedelta(days=offset))
            except OverflowError:
                continue
    best = run = 0
    previous = None
    for day in sorted(d for d in near if not cal.is_business_day(d)):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        best, previous = max(best, run), day
    return best
