"""A shop's return logistics: where returns go, the parcel a label is bought for, the label account."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from integration.contract.errors import format_errors
from integration.db.models import Shop


class ReturnAddressSchema(Schema):
    """The merchant's return address, in EasyPost's address fields."""
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    company = fields.String(validate=validate.Length(max=100))
    street1 = fields.String(required=True, validate=validate.Length(min=1, max=200))
    street2 = fields.String(validate=validate.Length(max=200))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    state = fields.String(validate=validate.Length(max=50))
    zip = fields.String(required=True, validate=validate.Length(min=1, max=20))
    country = fields.String(required=True, validate=validate.Regexp(r"[A-Z]{2}", error="a two-letter ISO code, e.g. US"))
    phone = fields.String(validate=validate.Length(max=30))
    email = fields.Email()


class ParcelSchema(Schema):
    """The box a return label is bought for: inches and ounces."""
    length = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    width = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    height = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False))
    weight = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1120))


class ReturnsSetupError(ValueError):
    """Bad return settings; `errors` are 'path: message' lines."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _load(schema: Schema, data, prefix: str) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ReturnsSetupError(format_errors(exc.messages, prefix)) from None


ASSUME_DELIVERED = "assume_delivered_after_days"
MAX_ASSUMED_DAYS = 60


def _assumed_days(value) -> int | None:
    """The 'assume delivered N days after shipping' setting from text or a number; empty or 0 turns it off."""
    text = str(value).strip()
    if text in ("", "0"):
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ASSUMED_DAYS:
        raise ReturnsSetupError([f"{ASSUME_DELIVERED}: {text[:20]!r} is not a number of days from 1 to "
                                 f"{MAX_ASSUMED_DAYS}; leave it empty (or 0) to wait for a carrier's delivery"])
    return int(text)


def configure_returns(shop: Shop, address: dict | None = None, parcel: dict | None = None,
                      easypost_api_key: str | None = None, easypost_webhook_secret: str | None = None,
                      assume_delivered_after_days: str | int | None = None) -> None:
    """Validate and save what is given; what is not given stays as it was."""
    settings = dict(shop.settings or {})
    if assume_delivered_after_days is not None:
        settings[ASSUME_DELIVERED] = _assumed_days(assume_delivered_after_days)
    if address is not None:
        settings["return_address"] = _load(ReturnAddressSchema(), address, "return_address")
    if parcel is not None:
        settings["return_parcel"] = _load(ParcelSchema(), parcel, "return_parcel")
    shop.settings = settings
    if easypost_api_key is not None:
        shop.easypost_api_key = easypost_api_key or None
    if easypost_webhook_secret is not None:   # the secret of the EasyPost webhook that reports its trackers
        shop.easypost_webhook_secret = easypost_webhook_secret or None


def return_address_text(shop: Shop) -> str | None:
    """The return address on one line, for instructions; None when the shop has not set one."""
    address = (shop.settings or {}).get("return_address")
    if not address:
        return None
    parts = [address.get(k) for k in ("name", "company", "street1", "street2", "city", "state", "zip", "country")]
    return ", ".join(p for p in parts if p)


def labels_ready(shop: Shop) -> bool:
    """True when returnkit can buy return labels for this shop (an EasyPost key and a return address)."""
    return bool(shop.easypost_api_key and (shop.settings or {}).get("return_address"))


def assumed_delivery_days(shop: Shop) -> int | None:
    """N when the shop assumes an untracked shipment delivered N days after it shipped; None (the default): off."""
    return (shop.settings or {}).get(ASSUME_DELIVERED) or None
