"""What the customer page shows of the shop: its name, logo and colour, its language, and how to reach it
(shop.settings: `branding`, `language`, `contact_email`), validated by marshmallow."""
from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, validate

from integration.db.models import Shop

LANGUAGES = {"en": "English", "fr": "Français"}


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


class BrandingSchema(Schema):
    name = fields.String(validate=validate.Length(max=80), allow_none=True, metadata={"doc": "the shop's name"})
    logo_url = fields.Url(schemes={"https"}, allow_none=True, error_messages={
        "invalid": "give the logo's address starting with https://, e.g. https://example.com/logo.png"})
    colour = fields.String(allow_none=True, validate=validate.Regexp(
        r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$", error="write the colour as #rgb or #rrggbb, e.g. #2a6f4e"))
    language = fields.String(allow_none=True, validate=validate.OneOf(
        tuple(LANGUAGES), error=f"choose one of: {', '.join(LANGUAGES)}"))
    contact_email = fields.Email(allow_none=True, error_messages={
        "invalid": "give the address customers write to, e.g. help@yourshop.com"})


def branding_of(shop: Shop) -> dict:
    """The form's values as stored (empty where nothing is set)."""
    settings = shop.settings or {}
    brand = settings.get("branding") or {}
    return {"name": brand.get("name") or "", "logo_url": brand.get("logo_url") or "",
            "colour": brand.get("colour") or "", "language": settings.get("language") or "",
            "contact_email": settings.get("contact_email") or ""}


def set_branding(shop: Shop, form: Mapping[str, str]) -> dict:
    """Save the form (blank fields clear their setting); raises ValueError with one 'field: fix' line per error."""
    raw = {key: _blank_is_none(form.get(key)) for key in BrandingSchema().fields}
    try:
        data = BrandingSchema().load(raw)
    except ValidationError as exc:
        raise ValueError("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in sorted(exc.messages.items()))) \
            from None
    brand = {k: data[k].strip() if isinstance(data[k], str) else data[k] for k in ("name", "logo_url", "colour")
             if data.get(k)}
    settings = {**(shop.settings or {}), "branding": brand}
    for key in ("language", "contact_email"):
        settings.pop(key, None)
        if data.get(key):
            settings[key] = data[key]
    shop.settings = settings
    return branding_of(shop)
