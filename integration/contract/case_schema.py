"""marshmallow schemas for the contract's decision case (case.schema.json), loading into domain objects."""
from __future__ import annotations

from dataclasses import replace

from marshmallow import ValidationError, fields, post_load, validates_schema

from integration.contract.edit_schema import EditSchema, check_edit
from integration.contract.errors import format_errors
from integration.contract.fields import (Bool, Choice, DateTime, Int, Money, Pattern,
                                         StrictSchema)
from integration.domain import vocabulary as vocab
from integration.domain.edits import edit_items
from integration.domain.case import (INHERIT, PACKAGING, Case, Customer, Evidence, ExchangeFor, LineItem, Order,
                                     Request, RequestItem)

_COUNTRY = dict(regex=r"^[A-Z]{2}$", example="US")
_STRINGS = dict(cls_or_instance=fields.String())


class ExchangeForSchema(StrictSchema):
    variant_id = Pattern(r"^\S+$", "44440003 or gid://shopify/ProductVariant/44440003", required=True)
    quantity = Int(minimum=1)

    @post_load
    def build(self, data, **_kwargs):
        return ExchangeFor(**data)


class RequestItemSchema(StrictSchema):
    line_item_id = fields.String(required=True)
    quantity = Int(minimum=1, required=True)
    condition = Choice(vocab.CONDITIONS, "condition")
    exchange_in_stock = Bool()
    exchange_for = fields.Nested(ExchangeForSchema)
    packaging = Choice(PACKAGING, "packaging")   # our addition: absent when not known

    @post_load
    def build(self, data, **_kwargs):
        return RequestItem(**data)


class EvidenceSchema(StrictSchema):
    photos = Int(minimum=0)
    videos = Int(minimum=0)
    description = Bool()
    provided = fields.List(Pattern(r"^[a-z0-9_]{1,40}$", "packing_slip"))   # our addition: the merchant's own kinds

    @post_load
    def build(self, data, **_kwargs):
        data["provided"] = tuple(data.get("provided", ()))
        return Evidence(**data)


class RequestSchema(StrictSchema):
    type = Choice(vocab.REQUEST_TYPES, "request type", required=True)
    submitted_at = DateTime(required=True)
    reason = Choice(vocab.REASONS, "reason")
    items = fields.List(fields.Nested(RequestItemSchema))
    evidence = fields.Nested(EvidenceSchema)
    preferred_resolution = Choice(vocab.PREFERRED_RESOLUTIONS, "preferred resolution")
    inspected = Bool()
    reason_confirmed = Bool(allow_none=True)   # our addition: the inspection's word on the reason; null: not checked
    return_label_cost = Money()   # our addition: the prepaid return label's cost, once bought

    edit = fields.Nested(EditSchema)   # our addition: an edit request's details

    @validates_schema
    def edit_fits_type(self, data, **_kwargs):
        check_edit(data)

    @post_load
    def build(self, data, **_kwargs):
        data["items"] = tuple(data.get("items", ()))
        return Request(**data)


class LineItemSchema(StrictSchema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    sku = fields.String()
    quantity = Int(minimum=1, required=True)
    unit_price = Money(required=True)
    tags = fields.List(**_STRINGS)
    product_type = fields.String()
    requires_shipping = Bool()
    delivered_at = DateTime(allow_none=True)
    unit_tax = Money()
    refunded_quantity = Int(minimum=0)
    shipped_at = DateTime(allow_none=True)
    production_started_at = DateTime(allow_none=True)

    @post_load
    def build(self, data, **_kwargs):
        data["tags"] = tuple(data.get("tags", ()))
        for inherited in ("delivered_at", "shipped_at", "production_started_at"):
            data.setdefault(inherited, INHERIT)
        return LineItem(**data)


class CustomerSchema(StrictSchema):
    tags = fields.List(**_STRINGS)
    orders_count = Int(minimum=0)
    requests_last_365_days = Int(minimum=0)
    refunded_last_365_days = Money()

    @post_load
    def build(self, data, **_kwargs):
        data["tags"] = tuple(data.get("tags", ()))
        return Customer(**data)


class OrderSchema(StrictSchema):
    id = fields.String(required=True)
    currency = Pattern(r"^[A-Z]{3}$", "USD", required=True)
    placed_at = DateTime(required=True)
    shop_country = Pattern(**_COUNTRY)
    destination_country = Pattern(**_COUNTRY)
    is_gift = Bool()
    shipping_paid = Money()
    production_started_at = DateTime(allow_none=True)
    delivered_at = DateTime(allow_none=True)
    shipping_tax = Money()
    shipped_at = DateTime(allow_none=True)
    # Our addition: delivered_at is no carrier's word but shipped_at + these days (the shop's setting).
    delivery_assumed_after_days = Int(minimum=1, validate=lambda days: days <= 60 or _raise("must be at most 60"))
    tags = fields.List(**_STRINGS)
    customer = fields.Nested(CustomerSchema)
    event_at = DateTime(allow_none=True)
    amount_paid = Money()
    milestones = fields.Dict(keys=fields.String(), values=DateTime(allow_none=True))
    line_items = fields.List(fields.Nested(LineItemSchema), required=True,
                             validate=lambda items: bool(items) or _raise("must hold at least one line item"))

    @post_load
    def build(self, data, **_kwargs):
        data["tags"] = tuple(data.get("tags", ()))
        data["line_items"] = tuple(data["line_items"])
        data["milestones"] = tuple(sorted(data.get("milestones", {}).items()))
        return Order(**data)


class CaseSchema(StrictSchema):
    id = fields.String()
    request = fields.Nested(RequestSchema, required=True)
    order = fields.Nested(OrderSchema, required=True)

    @post_load
    def build(self, data, **_kwargs):
        data["request"] = replace(data["request"], items=edit_items(data["request"], data["order"]))
        return Case(**data)


def _raise(message: str) -> bool:
    raise ValidationError(message)


class InvalidCase(ValueError):
    """A case that the contract does not allow; `errors` holds one 'path: message' line each."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0] if errors else "invalid case")
        self.errors = errors


_SCHEMA = CaseSchema()


def load_case(data: object) -> Case:
    """Validate a JSON-decoded case and build the domain Case; raises InvalidCase."""
    if not isinstance(data, dict):
        raise InvalidCase([f"(case): must be a JSON object, not {type(data).__name__}"])
    try:
        return _SCHEMA.load(data)
    except ValidationError as exc:
        raise InvalidCase(format_errors(exc.messages)) from None
