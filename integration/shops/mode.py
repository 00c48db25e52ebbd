"""The shop's mode: "shadow" (decide and plan everything, send nothing) or "live" (act), kept in shop.settings.

A shadowed action is kept as "would have done" and never runs: not when the shop switches to live, not by hand."""
from __future__ import annotations

from datetime import datetime

from integration.db.base import utcnow
from integration.db.models import Shop

SHADOW, LIVE = "shadow", "live"
MODES = (SHADOW, LIVE)
SETTING, LIVE_SINCE = "mode", "live_since"
# An action's state in shadow mode: neither due (the reaper and the queue skip it) nor failed nor pending.
SHADOWED = "shadowed"
# Why a message is not sent (the notify log shows it).
SHADOW_REASON = "shadow mode: returnkit sends nothing until the merchant switches to live"


class ModeError(ValueError):
    """A mode that is not one of MODES; the message names the field and the choices."""


def check_mode(mode: str) -> str:
    """The mode as given, or ModeError naming the ones there are."""
    if mode not in MODES:
        raise ModeError(f"mode: {mode!r} is not a mode; use one of: {', '.join(MODES)}")
    return mode


def shop_mode(shop: Shop) -> str:
    """The shop's mode; a shop from before modes existed is live."""
    return (shop.settings or {}).get(SETTING, LIVE)


def in_shadow(shop: Shop) -> bool:
    """True while the shop decides without sending anything."""
    return shop_mode(shop) == SHADOW


def set_mode(shop: Shop, mode: str) -> None:
    """Set the shop's mode; switching to live records when, so nothing planned before is ever sent."""
    check_mode(mode)
    settings = {**(shop.settings or {}), SETTING: mode}
    if mode == LIVE and shop_mode(shop) == SHADOW:
        settings[LIVE_SINCE] = utcnow().isoformat()
    shop.settings = settings


def live_since(shop: Shop) -> datetime | None:
    """When the shop switched from shadow to live, if it ever did."""
    stamp = (shop.settings or {}).get(LIVE_SINCE)
    return datetime.fromisoformat(stamp) if stamp else None


def ran_in_shadow(shop: Shop) -> bool:
    """True if the shop is in shadow mode or was before switching to live."""
    return in_shadow(shop) or live_since(shop) is not None


def planned_in_shadow(shop: Shop, planned_at: datetime) -> bool:
    """True for an action planned while the shop was in shadow mode: it is kept, never sent."""
    switched = live_since(shop)
    return in_shadow(shop) or (switched is not None and planned_at < switched)


def action_state(shop: Shop) -> str:
    """The state a newly planned action starts in."""
    return SHADOWED if in_shadow(shop) else "pending"
