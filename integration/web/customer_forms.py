"""The customer request form, validated with marshmallow into the contract's request object."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from integration.domain.vocabulary import PREFERRED_RESOLUTIONS, REASONS, REQUEST_TYPES
from integration.web.customer_i18n import N_
from integration.web.customer_edit_form import edit_request_from_form

REASON_LABELS = {
    "damaged_in_transit": N_("It arrived damaged"), "defective": N_("It is faulty or stopped working"),
    "wrong_item": N_("I received the wrong item"), "not_as_described": N_("It is not as described"),
    "changed_mind": N_("I changed my mind"), "ordered_wrong_variant": N_("I ordered the wrong size or colour"),
    "cosmetic_variation": N_("It looks a little different from the photos"),
    "late_delivery": N_("It arrived too late"), "other": N_("Something else"),
}
TYPE_LABELS = {"return": N_("Return it"), "exchange": N_("Exchange it"), "cancellation": N_("Cancel my order"),
               "warranty": N_("Warranty claim (it broke)"), "edit": N_("Change my order (before it ships)")}


class CustomerRequestForm(Schema):
    """What the customer picked: the kind of request, a reason, how many of each line, a description."""
    type = fields.String(required=True, validate=validate.OneOf(REQUEST_TYPES, error="choose what you would like us to do"))
    reason = fields.String(load_default=None, validate=validate.OneOf(REASONS, error="choose a reason from the list"))
    preferred_resolution = fields.String(load_default=None, validate=validate.OneOf(PREFERRED_RESOLUTIONS))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    quantities = fields.Dict(keys=fields.String(), values=fields.Integer(validate=validate.Range(min=0)))

    @validates_schema
    def _at_least_one_item(self, data, **_):
        if data["type"] != "cancellation" and not any(q > 0 for q in data.get("quantities", {}).values()):
            raise ValidationError("choose at least one item and how many", "quantities")
        if data["type"] != "cancellation" and not data.get("reason"):
            raise ValidationError("choose a reason from the list", "reason")


def _exchange_for(form, line_id: str, choices: dict[str, list]) -> dict | None:
    """The variant the customer picked instead of this line (one of the same product's), or None."""
    wanted = form.get(f"exchange-{line_id}") or ""
    if not wanted:
        return None
    if wanted not in {variant for variant, _label in choices.get(line_id, ())}:
        raise ValidationError({"exchange": ["choose the size or colour you want from the list"]})
    return {"variant_id": wanted}


def request_from_form(form, lines: dict[str, int], submitted_at: str,
                      choices: dict[str, list] | None = None) -> tuple[dict, str | None]:
    """The contract's request object and the customer's description; raises ValidationError naming the field.
    `choices` are each line's exchange variants (variant id, label): a pick becomes the item's `exchange_for`."""
    if form.get("type") == "edit":   # "Change my order": its own fields (integration/web/customer_edit_form.py)
        return edit_request_from_form(form, lines, submitted_at, choices or {}), None
    quantities = {}
    for line_id, ordered in lines.items():
        raw = form.get(f"qty-{line_id}", "0") or "0"
        if not (raw.isascii() and raw.isdigit()) or int(raw) > ordered:   # "¹".isdigit() is True
            raise ValidationError({"quantities": [f"at most {ordered} of this item can be sent back"]})
        quantities[line_id] = int(raw)
    data = CustomerRequestForm().load({"type": form.get("type", ""), "reason": form.get("reason") or None,
                                       "preferred_resolution": form.get("preferred_resolution") or None,
                                       "description": form.get("description", "").strip(), "quantities": quantities})
    chosen = {k: v for k, v in quantities.items() if v > 0} or ({k: v for k, v in lines.items() if v > 0}
                                                               if data["type"] == "cancellation" else {})
    items = [{"line_item_id": k, "quantity": v} for k, v in chosen.items()]
    if data["type"] == "exchange":
        for item in items:
            if wanted := _exchange_for(form, item["line_item_id"], choices or {}):
                item["exchange_for"] = wanted
    request = {"type": data["type"], "submitted_at": submitted_at, "items": items,
               "evidence": {"photos": 0, "videos": 0, "description": bool(data["description"])}}
    for key in ("reason", "preferred_resolution"):
        if data.get(key):
            request[key] = data[key]
    return request, data["description"] or None
