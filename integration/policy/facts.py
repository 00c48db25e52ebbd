"""Facts: what a rule's conditions can see about one requested line (or the whole order)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Facts:
    type: str
    reason: str
    item_class: str
    condition: str
    windows: Mapping[str, str]     # window name -> inside | outside | unknown
    out_of_stock: bool = False
    inspected: bool = False
    gift: bool = False
    international: bool = False
    units: int = 1
    order_tags: frozenset[str] = frozenset()
    destination_country: str | None = None
