"""marshmallow schemas for the policy document (YAML): the shape of the language, field by field."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from integration.contract.fields import Bool, Choice, Int, Money, StrictSchema
from integration.domain import vocabulary as vocab
from integration.policy.conditions.when import WhenSchema
from integration.policy.window_fields import Anchor, CalendarSchema, MonthDay, check_window
from integration.policy.evidence_kinds import EvidenceKindSchema

DECISIONS = ("approve", "deny", "review")
ANCHORS = ("delivery", "purchase", "production_start")
WINDOW_ANCHORS = ANCHORS + ("shipment", "event")   # and milestone.<name>
SHIPPING_REFUNDS = ("yes", "no", "whole_order")
FEE_BASES = ("unit", "line", "order")
# What a percentage is taken of; `fixed` is the `amount` itself. The last three are charged once per request.
FEE_CHARGED_ON = ("items", "fixed", "items_and_shipping", "order_total", "label")
ORDER_FEE_BASES = ("items_and_shipping", "order_total", "label")
_ID = r"^[a-z0-9][a-z0-9_.-]*$"


def _strings(**kwargs):
    return fields.List(fields.String(), **kwargs)


def _choices(choices, noun, **kwargs):
    return fields.List(Choice(choices, noun), **kwargs)


class ItemClassMatchSchema(StrictSchema):
    tags = _strings()
    product_types = _strings()
    skus = _strings(metadata={"doc": "glob patterns, e.g. CUST-*"})
    titles = _strings(metadata={"doc": "glob patterns on the line title"})
    requires_shipping = Bool()


class ItemClassSchema(StrictSchema):
    name = fields.String(required=True)
    match = fields.Nested(ItemClassMatchSchema, required=True)


class WindowSchema(StrictSchema):
    from_ = Anchor(WINDOW_ANCHORS, "window anchor", data_key="from")
    until = Anchor(("production_start", "shipment", "event"), "window end")
    before = Anchor(("event",), "count-back anchor", metadata={"doc": "counts back from the event"})
    days = Int(minimum=0)
    business_days = Int(minimum=1, metadata={"doc": "working days of the policy's `calendar`"})
    hours = Int(minimum=0)
    months = Int(minimum=0)
    years = Int(minimum=0)
    ends_on = MonthDay(metadata={"doc": "'MM-DD': the first such date on or after the anchor's day"})
    fallback = fields.Nested(lambda: WindowSchema(), metadata={"doc": "used when the anchor is unknown"})

    @validates_schema
    def one_length(self, data, **_kwargs):
        """A window is `from` an anchor with one length or `ends_on`, `until` an anchor, or `before` one."""
        check_window(data)


def _percent(**kwargs):
    return fields.Decimal(places=None, validate=lambda v: 0 <= v <= 100 or _fail("must be 0 to 100"), **kwargs)


class TierStepSchema(StrictSchema):
    from_day = Int(minimum=0, required=True)
    percent = _percent(required=True)


class TiersSchema(StrictSchema):
    from_ = Anchor(WINDOW_ANCHORS, "tier anchor", data_key="from", required=True)
    unit = Choice(("days", "business_days"), "tier unit", load_default="days",
                  metadata={"doc": "calendar days (default) or business days of the policy's calendar"})
    steps = fields.List(fields.Nested(TierStepSchema), required=True,
                        validate=lambda v: bool(v) or _fail("give at least one step, e.g. {from_day: 0, percent: 0}"))


class FeeSchema(StrictSchema):
    percent = _percent()
    amount = Money()
    per = Choice(FEE_BASES, "fee basis", metadata={"doc": "per unit (default), per line, or once per order"})
    up_to = Bool(metadata={"doc": "the merchant may waive part of it at inspection"})
    floor = Money(metadata={"doc": "at least this much"})
    ceiling = Money(metadata={"doc": "at most this much"})
    base = Choice(FEE_CHARGED_ON, "fee base", metadata={"doc": "what the percentage is of (default items)"})
    label = fields.String(metadata={"doc": "the fee's name in decisions (default: the schedule's name)"})
    tiers = fields.Nested(TiersSchema, metadata={"doc": "a percentage by days since an anchor"})

    @validates_schema
    def one_kind(self, data, **_kwargs):
        """A fee is a percentage, an amount or tiers (one of them), or a base alone (all of it)."""
        kinds = [k for k in ("percent", "amount", "tiers") if k in data]
        if len(kinds) > 1:
            raise ValidationError("give either 'percent' or 'amount' (or 'tiers'), not several")
        if not kinds and data.get("base", "items") in ("items", "fixed"):
            raise ValidationError("give 'percent', 'amount' or 'tiers' (or a 'base' alone: all of it)")
        if ("amount" in data) != (data.get("base") == "fixed") and "base" in data:
            raise ValidationError("'base: fixed' goes with 'amount' (a fixed fee); a percentage has another base",
                                  "base")
        if data.get("base") in ORDER_FEE_BASES and data.get("per", "order") != "order":
            raise ValidationError(f"a fee on the {data['base']} is charged once per request: write 'per: order' "
                                  "or leave 'per' out", "per")
        if data.get("floor") is not None and data.get("ceiling") is not None and data["floor"] > data["ceiling"]:
            raise ValidationError(f"the floor {data['floor']} is above the ceiling {data['ceiling']}; lower the "
                                  "floor or raise the ceiling", "floor")


class FeeEntry(fields.Field):
    """One fee, or a list of fees charged together."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            return FeeSchema().load(value)
        if not value:
            raise ValidationError("give at least one fee, or leave this condition out")
        return FeeSchema(many=True).load(value)


class ReturnTermsSchema(StrictSchema):
    required = Bool()
    shipping_paid_by = Choice(vocab.PAYERS, "payer")
    restock = Choice(vocab.RESTOCK, "restock", metadata={
        "doc": "once the item is back: never (default), unused (only sealed or unused items) or always"})
    label_expires_after_days = Int(minimum=1, metadata={
        "doc": "close the request when the prepaid label has no carrier scan this many days after it was bought"})


class RefundTermsSchema(StrictSchema):
    shipping = Choice(SHIPPING_REFUNDS, "shipping refund",
                      metadata={"doc": "refund the original shipping: yes, no or whole_order"})
    deductions = fields.String(metadata={"doc": "name of a fee schedule under `fees`"})
    timing = Choice(vocab.REFUND_TIMINGS, "refund timing")
    within_business_days = Int(minimum=0)
    method = Choice(vocab.REFUND_METHODS, "refund method")


class StoreCreditTermsSchema(StrictSchema):
    bonus_percent = fields.Decimal(places=None, validate=lambda v: 0 <= v <= 100 or _fail("must be 0 to 100"),
                                   metadata={"doc": "extra credit on top of a store-credit refund, in percent"})


class ExchangeTermsSchema(StrictSchema):
    instant = Bool(metadata={"doc": "ship the exchange at approval, before the return arrives"})
    pay_difference = Bool(metadata={"doc": "allow a dearer exchange, the customer paying the difference"})


class TermsSchema(StrictSchema):
    resolution = _choices(vocab.RESOLUTIONS, "resolution", metadata={"doc": "the default first"})
    if_out_of_stock = _choices(vocab.RESOLUTIONS, "resolution")
    return_ = fields.Nested(ReturnTermsSchema, data_key="return")
    refund = fields.Nested(RefundTermsSchema)
    store_credit = fields.Nested(StoreCreditTermsSchema)
    exchange = fields.Nested(ExchangeTermsSchema)


class RuleSchema(TermsSchema):
    id = fields.String(required=True, validate=lambda v: _match_id(v))
    clause = fields.String(required=True, metadata={"doc": "key under `clauses`"})
    explain = fields.String(metadata={"doc": "plain words for the merchant and the customer"})
    when = fields.Nested(WhenSchema, load_default=dict)
    decide = Choice(DECISIONS, "decision", required=True)
    evidence = _strings(metadata={"doc": "built-in kinds (photos, video, description, order_number) and `evidence_kinds`"})
    terms = fields.String(metadata={"doc": "name of a bundle under `terms`"})


class AdjustmentSchema(StrictSchema):
    id = fields.String(required=True, validate=lambda v: _match_id(v))
    clause = fields.String(required=True)
    explain = fields.String()
    when = fields.Nested(WhenSchema, load_default=dict)
    return_ = fields.Nested(ReturnTermsSchema, data_key="return")
    refund = fields.Nested(RefundTermsSchema)


class OtherwiseSchema(StrictSchema):
    decide = Choice(DECISIONS, "decision", required=True)
    clause = fields.String()
    explain = fields.String()


class PolicySchema(StrictSchema):
    policy = fields.String(required=True, validate=lambda v: _match_id(v))
    name = fields.String(required=True)
    version = fields.String()
    timezone = fields.String(required=True)
    source = fields.String()
    description = fields.String(metadata={"doc": "what the policy does, in a line (the presets page shows it)"})
    clauses = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    item_classes = fields.List(fields.Nested(ItemClassSchema), load_default=list)
    default_item_class = fields.String(load_default="standard")
    windows = fields.Dict(keys=fields.String(), values=fields.Nested(WindowSchema), load_default=dict)
    fees = fields.Dict(keys=fields.String(),
                       values=fields.Dict(keys=Choice(vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION, "any"),
                                                      "condition"),
                                          values=FeeEntry()),
                       load_default=dict)
    defaults = fields.Nested(TermsSchema, load_default=dict)
    terms = fields.Dict(keys=fields.String(), values=fields.Nested(TermsSchema), load_default=dict)
    rules = fields.List(fields.Nested(RuleSchema), required=True)
    adjustments = fields.List(fields.Nested(AdjustmentSchema), load_default=list)
    otherwise = fields.Nested(OtherwiseSchema, load_default=lambda: {"decide": "review"})
    calendar = fields.Nested(CalendarSchema, metadata={"doc": "the shop's business days and holidays"})
    evidence_kinds = fields.Dict(keys=fields.String(), values=fields.Nested(EvidenceKindSchema), load_default=dict)
    notes = fields.Dict(keys=fields.String(), values=fields.Raw(),
                        metadata={"doc": "merchant data the engine does not decide on (e.g. reship fees)"})


def _fail(message: str) -> bool:
    raise ValidationError(message)


def _match_id(value: str) -> bool:
    import re
    if not re.match(_ID, value):
        raise ValidationError(f"{value!r} is not a valid id; use lower case letters, digits, '-', '_' or '.'")
    return True
