"""marshmallow schemas for an edit request's details (the case's `request.edit`, our addition to the contract)."""
from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from integration.contract.fields import Choice, Int, Pattern, StrictSchema
from integration.domain.edits import Address, Edit
from integration.domain.vocabulary import EDIT_KINDS

TEXT_LIMIT = 500   # a personalisation's text (an engraving, a name on a print): longer is no personalisation
_LINE = dict(validate=validate.Length(min=1, max=255))


def _text(required: bool = False, limit: int = 255):
    return fields.String(required=required, validate=validate.Length(min=1 if required else 0, max=limit))


class AddressSchema(StrictSchema):
    address1 = _text(required=True)
    address2 = _text()
    city = _text(required=True, limit=100)
    province_code = Pattern(r"^[A-Z0-9]{1,3}$", "CO")
    zip = _text(limit=20)
    country_code = Pattern(r"^[A-Z]{2}$", "US", required=True)
    first_name = _text(limit=100)
    last_name = _text(limit=100)
    company = _text()
    phone = Pattern(r"^\+?[0-9 ()./-]{3,30}$", "+1 303 555 0100")

    @post_load
    def build(self, data, **_kwargs):
        return Address(**data)


# Each kind's fields: those it needs, and those it takes.
_NEEDS = {"address": ("address",), "variant": ("line_item_id", "variant_id"), "personalisation": ("line_item_id", "text")}
_TAKES = {"address": ("address",), "variant": ("line_item_id", "variant_id", "quantity"),
          "personalisation": ("line_item_id", "text")}


class EditSchema(StrictSchema):
    kind = Choice(EDIT_KINDS, "edit kind", required=True)
    address = fields.Nested(AddressSchema)
    line_item_id = fields.String(**_LINE)
    variant_id = Pattern(r"^\S+$", "44440003 or gid://shopify/ProductVariant/44440003")
    quantity = Int(minimum=1)
    text = fields.String(validate=validate.Length(min=1, max=TEXT_LIMIT, error="must be 1 to {max} characters"))

    @validates_schema
    def fields_of_its_kind(self, data, **_kwargs):
        """Each kind has the fields it needs and no other kind's."""
        kind = data.get("kind")
        if kind not in _NEEDS:
            return
        for name in _NEEDS[kind]:
            if name not in data:
                raise ValidationError(f"is required for a {kind} edit", name)
        for name in set(data) - {"kind", *_TAKES[kind]}:
            raise ValidationError(f"is not part of a {kind} edit (it takes {', '.join(_TAKES[kind])})", name)

    @post_load
    def build(self, data, **_kwargs):
        return Edit(**data)


def check_edit(data: dict) -> None:
    """An edit request carries its `edit`, and only an edit request does."""
    if data.get("type") == "edit" and "edit" not in data:
        raise ValidationError("is required for an edit request: add e.g. {kind: address, address: {...}}", "edit")
    if "edit" in data and data.get("type") not in (None, "edit"):
        raise ValidationError(f"only an edit request takes `edit` (this one is a {data['type']})", "edit")
    edit, items = data.get("edit"), data.get("items") or ()
    if edit is not None and edit.names_line and any(i.line_item_id != edit.line_item_id for i in items):
        raise ValidationError(f"an edit of line {edit.line_item_id} names only that line", "items")
