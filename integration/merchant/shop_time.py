"""Dates and times as the merchant reads them on every page: in the shop's time zone, "6 Dec 2026" or
"6 Dec 2026, 17:34", never an ISO stamp."""
from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo


def _moment(value: datetime | date | str | None) -> datetime | date | None:
    """A datetime (naive ones are UTC, as the database stores them), a date, or None for what is not a time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value if isinstance(value, date) else None


def shop_date(value: datetime | date | str | None, zone: tzinfo) -> str:
    """The day in the shop's zone: "6 Dec 2026" ("" for none)."""
    moment = _moment(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    local = moment.astimezone(zone) if isinstance(moment, datetime) else moment
    return f"{local.day} {local:%b %Y}"


def shop_time(value: datetime | str | None, zone: tzinfo) -> str:
    """The day and time in the shop's zone: "6 Dec 2026, 17:34" ("" for none; a bare date stays a date)."""
    moment = _moment(value)
    if not isinstance(moment, datetime):
        return shop_date(value, zone)
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"
