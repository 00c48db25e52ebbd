"""The policy document's window and calendar fields: anchors (`milestone.<name>` too), MM-DD dates, ISO dates."""
from __future__ import annotations

import re
from datetime import date, datetime

from marshmallow import ValidationError, fields, validates_schema

from integration.contract.errors import not_one_of
from integration.contract.fields import Choice, StrictSchema
from integration.policy.calendar import WEEKDAYS, Calendar, longest_closure
from integration.policy.windows import MILESTONE

LENGTHS = ("days", "business_days", "hours", "months", "years")
COUNT_BACK_LENGTHS = ("days", "business_days", "hours")
_MILESTONE = re.compile(r"milestone\.[A-Za-z0-9_-]+")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_CLOSURE_DAYS = 366   # the calendar module scans at most 800 closed days for one business day
_LEAP_YEAR = 2028   # MM-DD is checked against a leap year, so 02-29 is allowed (it ends on 28 Feb in other years)


class Anchor(Choice):
    """An event a window counts from or to: one of `choices`, or `milestone.<name>` (a stage the merchant names)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.startswith(MILESTONE):
            if _MILESTONE.fullmatch(value):
                return value
            raise ValidationError(f"{value!r} names no milestone; write e.g. 'milestone.proof_sent'")
        if value not in self.choices:
            raise ValidationError(not_one_of(value, self.choices + ("milestone.<name>",), self.noun))
        return value


class MonthDay(fields.Field):
    """A day of the year written 'MM-DD', as (month, day)."""

    def _deserialize(self, value, attr, data, **kwargs):
        match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
        try:
            day = date(_LEAP_YEAR, int(match[1]), int(match[2])) if match else None
        except ValueError:
            day = None
        if day is None:
            shown = str(value) if isinstance(value, date) else value   # YAML reads 2027-01-31 as a date
            raise ValidationError(f"{shown!r} is not a month and day; write it as 'MM-DD', e.g. '01-31'")
        return day.month, day.day


class IsoDate(fields.Field):
    """A calendar date written 'YYYY-MM-DD' (YAML may already have read it as a date)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            if isinstance(value, str) and _ISO_DATE.fullmatch(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise ValidationError(f"{value!r} is not a date; write it as 'YYYY-MM-DD', e.g. '2026-12-25'")


class CalendarSchema(StrictSchema):
    business_days = fields.List(Choice(WEEKDAYS, "weekday"), metadata={"doc": "default [mon, tue, wed, thu, fri]"})
    holidays = fields.List(IsoDate(), metadata={"doc": "days the shop is closed, e.g. '2026-12-25'"})

    @validates_schema
    def some_working_day(self, data, **_kwargs):
        """A calendar with no working day could never end a business-day window."""
        if "business_days" in data and not data["business_days"]:
            raise ValidationError("give at least one working day, e.g. [mon, tue, wed, thu, fri]", "business_days")


def check_window(data: dict) -> None:
    """A window is `from` an anchor with one length or `ends_on`, `until` an anchor, or `before` one with a length."""
    lengths = [k for k in LENGTHS if k in data]
    starts = [k.rstrip("_") for k in ("from_", "until", "before") if k in data]
    if not starts:
        raise ValidationError("is required: write 'from: delivery' (or purchase, production_start, shipment, "
                              "milestone.<name>), or use 'until: shipment' or 'before: event'", "from")
    if len(starts) > 1:
        raise ValidationError(f"give one of 'from', 'until' or 'before', not {' and '.join(repr(s) for s in starts)}")
    if "until" in data:
        if lengths or "ends_on" in data:
            raise ValidationError("a window with 'until' takes no length or 'ends_on': it is open until the event")
    elif "before" in data:
        if "ends_on" in data or len(lengths) != 1 or lengths[0] not in COUNT_BACK_LENGTHS:
            raise ValidationError("a window 'before' an event takes exactly one length: days, business_days or hours")
    elif len(lengths) + ("ends_on" in data) != 1:
        raise ValidationError("give exactly one length (days, business_days, hours, months or years) "
                              "or 'ends_on: MM-DD'")


def compile_calendar(doc: dict | None, error) -> Calendar:
    """The policy's Calendar from its validated `calendar` key (weekdays when absent); `error(path, message)`."""
    doc = doc or {}
    cal = Calendar(frozenset(WEEKDAYS.index(d) for d in doc.get("business_days", WEEKDAYS[:5])),
                   frozenset(doc.get("holidays", ())))
    if (closed := longest_closure(cal)) > MAX_CLOSURE_DAYS:
        error("calendar.holidays", f"the shop would be closed {closed} days in a row, so a business-day window "
                                   "might never end; remove holidays or add working days")
    return cal
