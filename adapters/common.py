"""Small, strict readers for platform payloads shared by the adapters."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

import orjson


class PayloadError(ValueError):
    """A payload that does not have the shape the topic promises; names the field."""


def field(payload: dict, name: str):
    """A required field, or PayloadError naming it."""
    if not isinstance(payload, dict) or payload.get(name) is None:
        raise PayloadError(f"{name}: is missing")
    return payload[name]


def text(value, name: str) -> str | None:
    """A text field of a payload (None when absent); PayloadError naming it when it is anything else."""
    if value is not None and not isinstance(value, str):
        raise PayloadError(f"{name}: {value!r:.40} is not text")
    return value


def text_id(value) -> str:
    """A platform id as text (ids are numbers on the wire; gid strings are kept whole)."""
    return str(value)


def money(value, name: str = "amount") -> Decimal:
    """A platform amount (string or number) as Decimal."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise PayloadError(f"{name}: {value!r} is not an amount") from None


# No order line holds more; a larger figure is a corrupt payload, and would not fit the database's integers.
MAX_COUNT = 1_000_000


def _shown(value) -> str:
    try:
        return repr(value)[:40]
    except ValueError:        # an int too long to print
        return "a number too long to print"


def count(value, name: str = "quantity") -> int:
    """A platform quantity as an int from 0 to MAX_COUNT, or PayloadError naming the field."""
    try:
        number = None if isinstance(value, bool) else int(value)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not 0 <= number <= MAX_COUNT:
        raise PayloadError(f"{name}: {_shown(value)} is not a count from 0 to {MAX_COUNT:,}")
    return number


def when(value, name: str = "time", naive_is_utc: bool = False) -> datetime:
    """An ISO 8601 time; naive ones only where the platform documents them as GMT."""
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"{name}: {value!r} is not a date-time") from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(f"{name}: {value!r} has no UTC offset")
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def maybe_when(value, name: str = "time", naive_is_utc: bool = False) -> datetime | None:
    """Like `when`, but None stays None."""
    return None if value in (None, "") else when(value, name, naive_is_utc)


def split_tags(value) -> tuple[str, ...]:
    """Shopify's comma-separated tags, or a list of tag names / {name} objects, as a tuple."""
    if isinstance(value, str):
        return tuple(t.strip() for t in value.split(",") if t.strip())
    return tuple((t.get("name") if isinstance(t, dict) else str(t)) for t in (value or ()))


def lower_headers(headers) -> dict[str, str]:
    """Headers keyed in lower case (HTTP header names are case-insensitive)."""
    return {k.lower(): v for k, v in headers.items()}


def _canonical(value):
    """A value orjson cannot write itself, in one spelling: times in UTC, amounts without trailing zeros."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no canonical spelling for {type(value).__name__}")


def content_digest(events: list) -> str:
    """A short digest of what a delivery means once parsed: the same for a webhook and a sweep of one version."""
    # orjson writes the dataclasses, tuples and strings in C; this runs for every delivery we receive.
    try:
        spelled = orjson.dumps([(type(e).__name__, e) for e in events], default=_canonical,
                               option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:   # a value orjson cannot write (none of our parsers makes one): any stable spelling does
        spelled = repr(events).encode()
    return hashlib.sha256(spelled).hexdigest()[:16]


def version_key(kind: str, resource_id, stamp, events: list) -> str:
    """The inbox key of one version of a resource, shared by its webhook and the reconciliation sweep."""
    if isinstance(stamp, datetime):
        stamp = stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{kind}:{resource_id}:{stamp}:{content_digest(events)}"
