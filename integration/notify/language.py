"""The customer's language for their emails: the one their request was made in (the customer page's), else the
shop's customer-page language, else English; translated with babel's catalogs, so the worker needs no request."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.models import Shop
from integration.db.notify_models import Announcement
from integration.db.request_models import ReturnCase
from integration.shops.branding import LANGUAGES

DEFAULT = "en"
CATALOGS = Path(__file__).resolve().parent.parent / "translations"   # <lang>/LC_MESSAGES/messages.po
# The announcement whose data remembers the request's language (integration/requests/decide.py: submit_request).
REMEMBERED_BY = "request.received"
Gettext = Callable[..., str]


def N_(text: str) -> str:
    """Marks a text for the catalog (pybabel -k N_); it is translated where it is used."""
    return text


def supported(locale: object) -> str | None:
    """The language we ship for a locale ('fr', 'fr_FR', 'fr-CA' -> 'fr'), or None."""
    base = str(locale or "").replace("-", "_").split("_")[0].strip().lower()
    return base if base in LANGUAGES else None


def shop_locale(shop: Shop) -> str:
    """The shop's customer-page language (settings `language`), else English."""
    return supported((shop.settings or {}).get("language")) or DEFAULT


def request_locale(shop: Shop, chosen: str | None) -> str:
    """What a new request remembers: the customer page's language, else (other channels) the shop's."""
    return supported(chosen) or shop_locale(shop)


def case_locale(session: Session, case: ReturnCase) -> str:
    """The language the request remembers; the shop's for a request taken before requests remembered one."""
    data = session.scalar(select(Announcement.data).where(Announcement.case_pk == case.id,
                                                          Announcement.event == REMEMBERED_BY))
    return supported((data or {}).get("locale")) or shop_locale(session.get(Shop, case.shop_id))


@lru_cache(maxsize=8)
def _catalog(po: Path, changed: float) -> NullTranslations:
    # Compiled in memory from the .po: the worker reads what the repository says, and never writes a file.
    with po.open("rb") as read:
        catalog = read_po(read)
    compiled = BytesIO()
    write_mo(compiled, catalog)   # untranslated and fuzzy entries are left out: those stay English
    compiled.seek(0)
    return Translations(compiled)


def translations(locale: str, catalogs: Path | None = None) -> NullTranslations:
    """The language's catalog (from CATALOGS unless given); English (the texts as written) where there is none."""
    po = (catalogs or CATALOGS) / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT or not po.is_file():
        return NullTranslations()
    return _catalog(po, po.stat().st_mtime)


def translator(locale: str, catalogs: Path | None = None) -> Gettext:
    """A gettext for the language with Flask-Babel's signature: `_(text, **values)`, values filled in after."""
    catalog = translations(locale, catalogs)

    def _(text: str, **values) -> str:
        said = catalog.gettext(text)
        return said % values if values else said
    return _


def customer_day(at: datetime, locale: str) -> str:
    """A day as the customer reads it in their language ('Friday 11 December', 'vendredi 11 décembre')."""
    return format_date(at.date(), "EEEE d MMMM", locale=locale)
