"""Numeric conditions written as `{at_least: X, below: Y}`: their document field, test and coverage cut points."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from integration.contract.fields import StrictSchema


@dataclass(frozen=True, slots=True)
class Threshold:
    """`at_least` (inclusive) and `below` (exclusive) bounds; either may be left out."""
    at_least: Any = None
    below: Any = None

    def holds(self, value) -> bool:
        """True when the value is known and within both bounds (an unknown value never matches)."""
        return (value is not None and (self.at_least is None or value >= self.at_least)
                and (self.below is None or value < self.below))


def threshold(bound: Callable[[], fields.Field], example: str) -> Callable[[], fields.Field]:
    """A document field for `{at_least, below}` with values of the `bound` field, loaded as a Threshold."""

    class ThresholdSchema(StrictSchema):
        at_least = bound()
        below = bound()

        @validates_schema
        def _bounds(self, data, **_kwargs):
            if "at_least" not in data and "below" not in data:
                raise ValidationError(f"write at_least, below or both, e.g. {{at_least: {example}}}")
            if "at_least" in data and "below" in data and data["at_least"] >= data["below"]:
                raise ValidationError("must be more than at_least, or nothing can match", "below")

        @post_load
        def build(self, data, **_kwargs):
            return Threshold(**data)

    return lambda **kwargs: fields.Nested(ThresholdSchema, **kwargs)


def cut_points(thresholds: Iterable[Threshold | None], floor, unknown: bool) -> list:
    """One value for each interval the written bounds cut the line into, from `floor` up, and None when the fact
    can be unknown; just `floor` when nothing is written. Every value in an interval passes or fails each bound
    alike, so one stands for all."""
    points = sorted({p for t in thresholds if t is not None for p in (t.at_least, t.below) if p is not None})
    if not points:
        return [floor]
    return ([None] if unknown else []) + ([floor] if points[0] > floor else []) + points
