"""Strict marshmallow fields that accept exactly what the JSON contract allows."""
from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, pre_load

from integration.contract.errors import did_you_mean, not_one_of

# fullmatch everywhere: "$" alone would let a trailing newline through.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


class FieldName(str):
    """A key that is a document's own field name, never one of marshmallow's slots ('value', '_schema')."""


class StrictSchema(Schema):
    """A schema that names unknown fields and suggests the field that was meant."""

    @pre_load
    def reject_unknown_fields(self, data, **_kwargs):
        """Reject keys the schema does not declare, with a hint."""
        if not isinstance(data, dict):
            return data
        allowed = sorted(f.data_key or name for name, f in self.load_fields.items())
        errors = {FieldName(key): ["unknown field" + (did_you_mean(key, allowed) or "; allowed: " + ", ".join(allowed))]
                  for key in data if key not in allowed}
        if errors:
            raise ValidationError(errors)
        return data


class Bool(fields.Field):
    """A JSON boolean, nothing else (no 'yes', no 1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError(f"must be true or false, not {value!r}")
        return value


class Int(fields.Field):
    """A JSON integer with an optional lower bound (booleans are not integers)."""

    def __init__(self, minimum: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.minimum = minimum

    def _deserialize(self, value, attr, data, **kwargs):
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or (isinstance(value, float) and not math.isfinite(value)) or value != int(value)):
            raise ValidationError(f"must be a whole number, not {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"must be at least {self.minimum}, not {value!r}")
        return int(value)


class Choice(fields.Field):
    """A string from a closed vocabulary; the error names the vocabulary and the likely fix."""

    def __init__(self, choices, noun: str, **kwargs):
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.noun = noun

    def _deserialize(self, value, attr, data, **kwargs):
        if value not in self.choices:
            raise ValidationError(not_one_of(value, self.choices, self.noun))
        return value


class DateTime(fields.Field):
    """An RFC 3339 date-time with a UTC offset, as a timezone-aware datetime."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _RFC3339.fullmatch(value):
            raise ValidationError(
                f"{value!r} is not a date-time with a UTC offset; write e.g. '2026-05-12T15:30:00-05:00'")
        try:
            return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValidationError(f"{value!r} is not a real date-time ({exc})") from None


class Money(fields.Field):
    """A decimal string such as '6.50' (never a float), as a Decimal."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            raise ValidationError(f"{value!r} is not a decimal string; write e.g. '6.50'")
        return Decimal(value)


class Pattern(fields.String):
    """A string matching a regular expression, with a human description of the format."""

    def __init__(self, regex: str, example: str, **kwargs):
        super().__init__(**kwargs)
        self.regex = re.compile(regex)
        self.example = example

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not self.regex.fullmatch(value):
            raise ValidationError(f"{value!r} is not valid; write e.g. {self.example!r}")
        return value
