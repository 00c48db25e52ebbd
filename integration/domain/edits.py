"""An `edit` request's details (the case's `request.edit`, our addition): what the customer wants changed on an
order that has not shipped yet — the shipping address, a line's variant (size or colour), or a line's personalisation."""
from __future__ import annotations

from dataclasses import dataclass

from integration.domain.case import RequestItem


@dataclass(frozen=True, slots=True)
class Address:
    """A shipping address as the customer writes it (the platforms' address fields, snake_case)."""
    address1: str
    city: str
    country_code: str
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address2: str | None = None
    province_code: str | None = None
    zip: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """address: the new shipping address; variant: line_item_id's units (quantity, all by default) become variant_id;
    personalisation: line_item_id's custom text becomes `text`."""
    kind: str
    address: Address | None = None
    line_item_id: str | None = None
    variant_id: str | None = None
    quantity: int | None = None
    text: str | None = None

    @property
    def names_line(self) -> bool:
        """True when the edit changes one line (a variant or a personalisation) rather than the whole order."""
        return self.line_item_id is not None


def edit_items(request, order) -> tuple:
    """The request's items: as given, or, for an edit of one line that names none, that line's units still open
    (so the policy judges the line being changed, not the whole order)."""
    edit = getattr(request, "edit", None)
    if request.items or edit is None or not edit.names_line:
        return request.items
    line = order.line(edit.line_item_id)
    quantity = edit.quantity or (line.open_quantity or line.quantity if line is not None else 1)
    return (RequestItem(edit.line_item_id, quantity),)
