"""Per item class, whether returnkit creates an approved replacement's order itself or leaves it to the merchant."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from integration.db.models import Shop

AUTOMATIC, MANUAL = "automatic", "manual"
MODES = {AUTOMATIC: "Create the replacement automatically", MANUAL: "Leave it to me"}
SETTING = "replacements"
# Stock items can go out at once; custom and made-to-order items usually need the workshop first.
AUTOMATIC_BY_DEFAULT = frozenset({"standard"})


def replacement_mode(item_class: str | None, chosen: Mapping[str, str]) -> str:
    """The merchant's choice for the class, else the default (automatic for standard items only)."""
    if item_class in chosen:
        return chosen[item_class]
    return AUTOMATIC if (item_class or "standard") in AUTOMATIC_BY_DEFAULT else MANUAL


def chosen_modes(shop: Shop) -> dict[str, str]:
    """The classes the merchant chose a mode for."""
    return dict((shop.settings or {}).get(SETTING) or {})


def set_modes(shop: Shop, form: Mapping[str, str], classes: Iterable[str]) -> dict[str, str]:
    """Save a mode for each of the policy's classes given in `form` (field `replacement[<class>]`)."""
    chosen = chosen_modes(shop)
    for name in classes:
        value = form.get(f"replacement[{name}]")
        if value is None:
            continue
        if value not in MODES:
            raise ValueError(f"replacement[{name}]: {value!r} is not a choice; choose "
                             f"{' or '.join(repr(m) for m in MODES)}")
        chosen[name] = value
    shop.settings = {**(shop.settings or {}), SETTING: chosen}
    return chosen
