"""The compiled policy: immutable objects the engine evaluates (built from a validated document)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from integration.policy.calendar import Calendar
from integration.policy.conditions.base import Predicate
from integration.policy.evidence_kinds import EvidenceKind


@dataclass(frozen=True, slots=True)
class ItemClass:
    name: str
    tags: frozenset[str] = frozenset()
    product_types: frozenset[str] = frozenset()
    skus: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    requires_shipping: bool | None = None


@dataclass(frozen=True, slots=True)
class Window:
    name: str
    anchor: str | None            # delivery | purchase | production_start | shipment | event | milestone.<name>
    until: str | None = None      # production_start | shipment | event | milestone.<name> (then anchor is None)
    unit: str = "days"            # days | business_days | hours | months | years
    length: int = 0
    fallback: Window | None = None
    before: bool = False                     # counts back from the anchor (`before: event`)
    ends_on: tuple[int, int] | None = None   # (month, day): the first such date on or after the anchor's day


@dataclass(frozen=True, slots=True)
class TierStep:
    from_day: int
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Tiers:
    """A fee that grows with the days since an anchor: the last listed step whose from_day is reached applies."""
    anchor: str                    # any anchor a window can count from (windows.anchor_time)
    unit: str                      # days | business_days
    steps: tuple[TierStep, ...]


@dataclass(frozen=True, slots=True)
class Fee:
    percent: Decimal | None = None
    amount: Decimal | None = None
    per: str = "unit"              # unit | line | order (once per request)
    up_to: bool = False
    floor: Decimal | None = None   # at least this much (per unit when per: unit)
    ceiling: Decimal | None = None  # at most this much (per unit when per: unit)
    base: str = "items"            # items | items_and_shipping | order_total | label | fixed (the amount)
    label: str | None = None       # its name in decisions (None: its schedule's name)
    tiers: Tiers | None = None
    also: tuple[Fee, ...] = ()     # the other fees of a list in the document, charged with this one


@dataclass(frozen=True, slots=True)
class Terms:
    """How a granted request is settled: resolutions, return, refund."""
    resolutions: tuple[str, ...] = ()
    if_out_of_stock: tuple[str, ...] | None = None
    return_required: bool | None = None
    shipping_paid_by: str | None = None
    restock: str = "never"
    label_expires_after_days: int | None = None
    refund_shipping: str = "no"
    deductions: str | None = None
    timing: str | None = None
    within_business_days: int | None = None
    method: str = "original_payment"
    credit_bonus_percent: Decimal = Decimal(0)   # store credit: this much more, on top of the amount credited
    exchange_instant: bool = False          # the exchange ships at approval, before the return arrives
    exchange_pay_difference: bool = False   # a dearer exchange is allowed, the customer paying the difference


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    clause: str
    decide: str                    # approve | deny | review
    matches: Predicate
    windows: tuple[str, ...] = ()  # windows the rule's conditions name, in order
    evidence: tuple[str, ...] = ()
    terms: Terms = field(default_factory=Terms)
    explain: str | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: str
    clause: str
    matches: Predicate
    changes: Mapping[str, object]
    explain: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    version: str | None
    timezone: ZoneInfo
    clauses: Mapping[str, str]
    item_classes: tuple[ItemClass, ...]
    default_item_class: str
    windows: Mapping[str, Window]
    fees: Mapping[str, Mapping[str, Fee]]
    rules: tuple[Rule, ...]
    adjustments: tuple[Adjustment, ...]
    otherwise: Rule
    notes: Mapping[str, object] = field(default_factory=dict)
    document: Mapping[str, object] = field(default_factory=dict)
    evidence_kinds: Mapping[str, EvidenceKind] = field(default_factory=dict)   # the merchant's own, by id
    calendar: Calendar = Calendar()   # the shop's business days and holidays
    # The facts some rule or adjustment reads (None: all); the engine works out only these and the ones it needs.
    facts_named: frozenset[str] | None = None

    @property
    def class_names(self) -> tuple[str, ...]:
        """Every item class a line can have, the default last."""
        return tuple(c.name for c in self.item_classes) + (self.default_item_class,)
