"""The customer page's languages (Flask-Babel): English and French, chosen by the browser's Accept-Language, else
by the shop's setting `language`. The catalogs' .po files are compiled to .mo when the app starts."""
from __future__ import annotations

import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request
from flask_babel import Babel, get_locale

SUPPORTED = ("en", "fr")
SOURCE = Path(__file__).resolve().parent.parent / "translations"   # integration/translations/<lang>/LC_MESSAGES


def N_(text: str) -> str:
    """Marks a string for the catalog (pybabel -k N_); it is translated where it is shown."""
    return text


def _compile(source: Path, target: Path) -> None:
    for po in source.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as read:
            catalog = read_po(read)
        partial = mo.with_suffix(".mo.partial")
        with partial.open("wb") as out:
            write_mo(out, catalog)
        partial.replace(mo)   # a whole file or none: another process may be reading it


def compiled_catalogs(source: Path = SOURCE) -> Path:
    """The folder of compiled catalogs: beside the .po files, or a temporary folder where the install is read-only."""
    try:
        _compile(source, source)
        return source
    except OSError:
        target = Path(tempfile.gettempdir()) / "returnkit-translations"
        _compile(source, target)
        return target


def shop_language(shop) -> None:
    """Note the shop's own language for this request: used when the browser asks for none we ship."""
    g.shop_language = (shop.settings or {}).get("language")


def select_locale() -> str:
    """The browser's language if we ship it, else the shop's, else English."""
    chosen = request.accept_languages.best_match(SUPPORTED) if request.accept_languages else None
    wanted = chosen or g.get("shop_language")
    return wanted if wanted in SUPPORTED else "en"


def locale_name() -> str:
    """The language of this request's page, for <html lang> and for dates."""
    return str(get_locale() or "en")


def init_babel(app: Flask) -> None:
    """Flask-Babel on the app, reading the compiled catalogs."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compiled_catalogs()))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["locale_name"] = locale_name
