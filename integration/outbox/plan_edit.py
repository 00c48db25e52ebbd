"""An approved edit request, planned (pure): the order's new address, a line's new variant, or — where the platform
cannot change it — a staff note saying what to change."""
from __future__ import annotations

from adapters.registry import ADAPTERS
from integration.domain import actions as act
from integration.domain.actions import ActionKind


def _approved_units(decision: dict, line_id: str) -> int:
    """The units of the edited line the decision grants (0 when it grants none)."""
    return sum(int(li["quantity"]) for li in decision.get("lines") or ()
               if li["outcome"] == "approved" and str(li["line_item_id"]) == str(line_id))


def _personalisation_note(order_id: str, edit: dict) -> act.OrderNote:
    # Shopify's order editing cannot change an existing line's custom attributes, and a WooCommerce line's meta is
    # the merchant's own: the maker reads the new text from the order note.
    return act.OrderNote(order_id, f"returnkit: the customer changed the personalisation of line {edit['line_item_id']} "
                                   f"to \"{edit['text']}\"; make it with this text.")


def _variant(platform: str, order_id: str, edit: dict, decision: dict) -> list:
    approved = _approved_units(decision, edit["line_item_id"])
    units = min(approved, int(edit["quantity"])) if edit.get("quantity") else approved
    if not units:
        return []
    if ADAPTERS[platform].actions.can(ActionKind.CHANGE_VARIANT):
        return [act.ChangeVariant(order_id, str(edit["line_item_id"]), str(edit["variant_id"]), units)]
    return [act.OrderNote(order_id, f"returnkit: the customer changed {units} x line {edit['line_item_id']} to variant "
                                    f"{edit['variant_id']}; change the order before it ships (and settle any "
                                    "difference in price).")]


def edit_words(edit: dict | None) -> str:
    """What an edit request asks for, for the staff note (empty for any other request)."""
    if not edit:
        return ""
    if edit["kind"] == "address":
        address = edit["address"]
        name = " ".join(address[k] for k in ("first_name", "last_name") if address.get(k))
        parts = [name, *(address.get(k) for k in ("company", "address1", "address2", "city", "province_code", "zip",
                                                   "country_code"))]
        return f" The customer asks to ship to: {', '.join(p for p in parts if p)}."
    if edit["kind"] == "variant":
        return f" The customer asks to change line {edit['line_item_id']} to variant {edit['variant_id']}."
    return f" The customer asks to change the personalisation of line {edit['line_item_id']} to \"{edit['text']}\"."


def planned_edit(platform: str, order_id: str, source: dict, decision: dict) -> list:
    """The typed actions that carry out an approved edit request (none when the request has no edit to make)."""
    edit = source.get("edit")
    if decision["resolution"] != "edit" or not edit:
        return []
    if edit["kind"] == "address":
        return [act.ChangeAddress(order_id, dict(edit["address"]))]
    if edit["kind"] == "variant":
        return _variant(platform, order_id, edit, decision)
    return [_personalisation_note(order_id, edit)] if _approved_units(decision, edit["line_item_id"]) else []
