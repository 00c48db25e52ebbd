"""The customer page's "Change my order" part: the form's edit_* fields, validated into the contract's edit request."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from integration.contract.edit_schema import TEXT_LIMIT
from integration.domain.vocabulary import EDIT_KINDS
from integration.requests.edits import takes_edits
from integration.shops.current_policy import policy_for
from integration.web.customer_i18n import N_

EDIT_LABELS = {"address": N_("The delivery address"), "variant": N_("The size or colour of an item"),
               "personalisation": N_("The personalisation (text, engraving) of an item")}
ADDRESS_FIELDS = {"first_name": N_("First name"), "last_name": N_("Last name"), "company": N_("Company (optional)"),
                  "address1": N_("Address"), "address2": N_("Apartment, suite (optional)"), "city": N_("City"),
                  "province_code": N_("State or province code (e.g. CO)"), "zip": N_("Postal code"),
                  "country_code": N_("Country code (e.g. US)"), "phone": N_("Phone (optional)")}
_NEEDED = ("address1", "city", "country_code")


def _optional(limit: int = 255):
    return fields.String(load_default="", validate=validate.Length(max=limit))


class EditForm(Schema):
    """What the customer wants changed, as typed (blank fields are empty strings)."""
    kind = fields.String(required=True, validate=validate.OneOf(EDIT_KINDS, error="choose what you want to change"))
    line = _optional()
    variant = _optional()
    text = _optional(TEXT_LIMIT)
    address = fields.Dict(keys=fields.String(validate=validate.OneOf(ADDRESS_FIELDS)), values=fields.String())

    @validates_schema
    def _complete(self, data, **_):
        kind = data["kind"]
        if kind == "address" and not all((data.get("address") or {}).get(k) for k in _NEEDED):
            raise ValidationError("write the new address: street, city and country code at least", "edit")
        if kind != "address" and not data.get("line"):
            raise ValidationError("choose the item to change", "edit")
        if kind == "variant" and not data.get("variant"):
            raise ValidationError("choose the size or colour you want instead", "edit")
        if kind == "personalisation" and not data.get("text"):
            raise ValidationError("write the new text", "edit")


def _address(typed: dict) -> dict:
    out = {k: v.strip() for k, v in typed.items() if v.strip()}
    for key in ("country_code", "province_code"):
        if key in out:
            out[key] = out[key].upper()
    return out


def _edit(data: dict, lines: dict[str, int], choices: dict[str, list]) -> dict:
    if data["kind"] == "address":
        return {"kind": "address", "address": _address(data["address"])}
    if data["line"] not in lines:
        raise ValidationError({"edit": ["choose an item of your order"]})
    if data["kind"] == "personalisation":
        return {"kind": "personalisation", "line_item_id": data["line"], "text": data["text"].strip()}
    if data["variant"] not in {variant for variant, _label in choices.get(data["line"], ())}:
        raise ValidationError({"edit": ["choose a size or colour of the same item from the list"]})
    return {"kind": "variant", "line_item_id": data["line"], "variant_id": data["variant"]}


def edit_request_from_form(form, lines: dict[str, int], submitted_at: str, choices: dict[str, list]) -> dict:
    """The contract's edit request from the form (edit_kind, edit_line, edit_variant, edit_text, edit_<address
    field>); raises ValidationError under `edit`."""
    typed = {"kind": form.get("edit_kind", ""), "line": form.get("edit_line", ""),
             "variant": form.get("edit_variant", ""), "text": form.get("edit_text", ""),
             "address": {key: form.get(f"edit_{key}", "") for key in ADDRESS_FIELDS}}
    try:
        data = EditForm().load(typed)
    except ValidationError as exc:
        raise ValidationError({"edit": [m for messages in exc.messages.values() for m in
                                        (messages if isinstance(messages, list) else [str(messages)])]}) from None
    return {"type": "edit", "submitted_at": submitted_at, "edit": _edit(data, lines, choices)}


EDIT_FORM = {"kinds": EDIT_LABELS, "address": ADDRESS_FIELDS}   # what templates/customer_edit.html shows


def offered_types(db, shop, labels: dict[str, str]) -> dict[str, str]:
    """The request types the page offers: "Change my order" only when the shop's policy has a rule for edits."""
    return labels if takes_edits(policy_for(db, shop)[1]) else {k: v for k, v in labels.items() if k != "edit"}
