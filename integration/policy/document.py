"""marshmallow schemas for the policy document (YAML): the shape of the language, field by field."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from integration.contract.fields import Bool, Choice, Int, Money, StrictSchema
from integration.domain import vocabulary as vocab
from integration.policy.conditions.when import WhenSchema

DECISIONS = ("approve", "deny", "review")
ANCHORS = ("delivery", "purchase", "production_start")
SHIPPING_REFUNDS = ("yes", "no", "whole_order")
FEE_BASES = ("unit", "line")
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
    from_ = Choice(ANCHORS, "window anchor", data_key="from")
    until = Choice(("production_start",), "window end")
    days = Int(minimum=0)
    hours = Int(minimum=0)
    months = Int(minimum=0)
    years = Int(minimum=0)
    fallback = fields.Nested(lambda: WindowSchema(), metadata={"doc": "used when the anchor is unknown"})

    @validates_schema
    def one_length(self, data, **_kwargs):
        """A window is either `until: production_start` or `from` an anchor with exactly one length."""
        lengths = [k for k in ("days", "hours", "months", "years") if k in data]
        if "until" in data:
            if lengths or "from_" in data:
                raise ValidationError("a window with 'until' takes no 'from' or length")
            return
        if "from_" not in data:
            raise ValidationError("is required: write 'from: delivery' (or purchase, production_start)", "from")
        if len(lengths) != 1:
            raise ValidationError("give exactly one length: days, hours, months or years")


class FeeSchema(StrictSchema):
    percent = fields.Decimal(places=None, validate=lambda v: 0 <= v <= 100 or _fail("must be 0 to 100"))
    amount = Money()
    per = Choice(FEE_BASES, "fee basis", metadata={"doc": "amount per unit (default) or per line"})
    up_to = Bool(metadata={"doc": "the merchant may waive part of it at inspection"})

    @validates_schema
    def one_kind(self, data, **_kwargs):
        """A fee is a percentage or an amount, not both."""
        if ("percent" in data) == ("amount" in data):
            raise ValidationError("give either 'percent' or 'amount'")


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
    evidence = _choices(vocab.EVIDENCE_KINDS, "evidence kind")
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
    clauses = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    item_classes = fields.List(fields.Nested(ItemClassSchema), load_default=list)
    default_item_class = fields.String(load_default="standard")
    windows = fields.Dict(keys=fields.String(), values=fields.Nested(WindowSchema), load_default=dict)
    fees = fields.Dict(keys=fields.String(),
                       values=fields.Dict(keys=Choice(vocab.CONDITIONS + (vocab.UNKNOWN_CONDITION, "any"),
                                                      "condition"),
                                          values=fields.Nested(FeeSchema)),
                       load_default=dict)
    defaults = fields.Nested(TermsSchema, load_default=dict)
    terms = fields.Dict(keys=fields.String(), values=fields.Nested(TermsSchema), load_default=dict)
    rules = fields.List(fields.Nested(RuleSchema), required=True)
    adjustments = fields.List(fields.Nested(AdjustmentSchema), load_default=list)
    otherwise = fields.Nested(OtherwiseSchema, load_default=lambda: {"decide": "review"})
    notes = fields.Dict(keys=fields.String(), values=fields.Raw(),
                        metadata={"doc": "merchant data the engine does not decide on (e.g. reship fees)"})


def _fail(message: str) -> bool:
    raise ValidationError(message)


def _match_id(value: str) -> bool:
    import re
    if not re.match(_ID, value):
        raise ValidationError(f"{value!r} is not a valid id; use lower case letters, digits, '-', '_' or '.'")
    return True
