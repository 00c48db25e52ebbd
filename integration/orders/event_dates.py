"""The customer's event / pick-up date as a date-picker app wrote it, read leniently in the shop's time zone."""
from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

# YYYY/MM/DD (or with "-" or "."), and the two day-month orders with a four-digit year.
_YEAR_FIRST = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_event_date(raw: str, zone: tzinfo) -> datetime | None:
    """An aware time for the text, or None when it is no date or an ambiguous one.

    ISO 8601 date-times keep their offset (without one they are the shop's local time); a date alone is that
    day's start in the shop's zone. Also YYYY/MM/DD, and DD/MM/YYYY or MM/DD/YYYY only when one of the first
    two numbers is above 12 (or both are equal). Two-digit years are never guessed."""
    text = raw.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        day = _numeric_date(text)
        return datetime.combine(day, time(), tzinfo=zone) if day else None
    if len(text) <= 10:   # a date alone: fromisoformat gave its midnight
        return parsed.replace(tzinfo=zone)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _numeric_date(text: str) -> date | None:
    if match := _YEAR_FIRST.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _YEAR_LAST.match(text):
        first, second, year = (int(g) for g in match.groups())
        if first > 12 >= second or first == second:
            day, month = first, second
        elif second > 12 >= first:
            month, day = first, second
        else:
            return None
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
