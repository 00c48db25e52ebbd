"""The customer's emails: the merchant's subject and opening per step (or ours), then the step's facts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from adapters.registry import ADAPTERS
from integration.db.models import Shop
from integration.notify.events import EMAIL_STEPS
from integration.notify.language import Gettext, N_, customer_day, shop_locale, translator
from integration.shops.display import shop_name

MAX_SUBJECT, MAX_OPENING = 200, 2000
# Ours, in English, translated into the customer's language where sent; a merchant's own text is sent as written.
DEFAULT_TEXTS = {
    "received": (N_("We received your request about order {order}"),
                 N_("Thank you: we have your request about order {order}. We will email you at each step.")),
    "needs_evidence": (N_("One more thing about your request on order {order}"),
                       N_("To decide on your request about order {order}, we need a little more from you.")),
    "approved": (N_("Your request about order {order} is approved"),
                 N_("Good news: your request about order {order} is approved.")),
    "denied": (N_("About your request on order {order}"),
               N_("We looked at your request about order {order}, and we cannot accept it.")),
    "refunded": (N_("Your money for order {order} is on its way"),
                 N_("We have issued what we owe you for order {order}.")),
    "parcel_received": (N_("We received your parcel for order {order}"),
                        N_("Your return parcel for order {order} has arrived.")),
    "exchange_shipped": (N_("Your exchange for order {order} has shipped"),
                         N_("The item you chose in exchange for order {order} is on its way.")),
}
STEP_TITLES = {"received": "Request received", "needs_evidence": "Needs evidence", "approved": "Approved",
               "denied": "Denied", "refunded": "Refunded or credited", "parcel_received": "Parcel received",
               "exchange_shipped": "Exchange shipped"}


class TextError(ValueError):
    """Email texts that cannot be saved; `errors` are 'field: message' lines."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _notify_settings(shop: Shop) -> dict:
    return (shop.settings or {}).get("notifications") or {}


def texts(shop: Shop) -> dict[str, tuple[str, str]]:
    """Each step's (subject, opening): the merchant's where they wrote one, else ours."""
    saved = _notify_settings(shop).get("texts") or {}
    return {step: (saved.get(step, {}).get("subject") or DEFAULT_TEXTS[step][0],
                   saved.get(step, {}).get("opening") or DEFAULT_TEXTS[step][1]) for step in EMAIL_STEPS}


def platform_emails_decisions(shop: Shop) -> bool:
    """The switch: the platform already emails approved and declined returns (by default where it opens returns)."""
    saved = _notify_settings(shop).get("platform_emails_decisions")
    return ADAPTERS[shop.platform].opens_returns if saved is None else bool(saved)


def save_settings(shop: Shop, form: dict[str, str], switch: bool) -> None:
    """Save each step's subject and opening (blank: ours) and the switch; TextError naming each bad field."""
    errors, saved = [], {}
    for step in EMAIL_STEPS:
        subject, opening = form.get(f"subject-{step}", "").strip(), form.get(f"opening-{step}", "").strip()
        if len(subject) > MAX_SUBJECT or "\n" in subject or "\r" in subject:
            errors.append(f"subject-{step}: one line of at most {MAX_SUBJECT} characters")
        if len(opening) > MAX_OPENING:
            errors.append(f"opening-{step}: keep it under {MAX_OPENING} characters")
        saved[step] = {"subject": subject, "opening": opening}
    if errors:
        raise TextError(errors)
    shop.settings = {**(shop.settings or {}), "notifications": {"texts": saved, "platform_emails_decisions": switch}}


def _fill(text: str, order: str, shop: Shop) -> str:
    # Plain replacement, never a template engine: the text is the merchant's.
    return text.replace("{order}", order).replace("{shop}", shop_name(shop))


def _contact(shop: Shop) -> str:
    # The address the customer page gives (the shop's contact setting), else the return address's.
    settings = shop.settings or {}
    return settings.get("contact_email") or (settings.get("return_address") or {}).get("email") or shop.domain


def _facts(step: str, data: dict, shop: Shop, _: Gettext, locale: str, at: datetime | None) -> list[str]:
    if step == "needs_evidence":
        link = [_("Send it here: %(link)s", link=data["link"])] if data.get("link") else []
        return [*data.get("next_steps", []), *link]
    if step == "approved":
        label = [_("Your prepaid return label: %(url)s", url=data["label_url"])] if data.get("label_url") else []
        return [*data.get("next_steps", []), *label]
    if step == "denied":
        return [_("Why: %(reason)s", reason=data["reason"]) if data.get("reason") else
                _("Why: the shop policy does not cover this request."),
                _("To talk to the shop about it, write to %(contact)s.", contact=_contact(shop))]
    if step == "refunded":
        return _amount_lines(data, _, locale)
    if step == "parcel_received" and at is not None:
        return [_("It was delivered on %(date)s.", date=customer_day(at, locale))]
    if step == "exchange_shipped" and data.get("tracking"):
        return [_("Tracking: %(code)s", code=data["tracking"])]
    return []


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def amount_text(value, currency: str, locale: str) -> str:
    """An amount as the customer's language writes it, with the currency's code: '1,234.50 USD', '1 234,50 USD'."""
    number = _decimal(value)
    if number is None or not currency:
        return f"{value} {currency}".strip()
    return format_currency(number, currency, format="#,##0.00 ¤¤", locale=locale)


def _amount_lines(data: dict, _: Gettext, locale: str) -> list[str]:
    currency, lines = data.get("currency", ""), []
    said = {"money": N_("Refunded to your original payment method: %(amount)s"),
            "credit": N_("Store credit: %(amount)s"), "bonus": N_("Bonus store credit: %(amount)s")}
    for field, text in said.items():
        number = _decimal(data.get(field))
        if number is not None and number != 0:
            lines.append(_(text, amount=amount_text(data[field], currency, locale)))
    return lines


def _texts_in(shop: Shop, step: str, draft: dict | None, _: Gettext) -> tuple[str, str]:
    # A saved text equal to ours is ours (the settings form shows ours to start from): it is translated.
    written = (draft or texts(shop))[step]
    return tuple(_(text) if text == ours else text for text, ours in zip(written, DEFAULT_TEXTS[step]))


def compose(shop: Shop, step: str, order: str, data: dict, draft: dict | None = None, locale: str | None = None,
            at: datetime | None = None, zone: tzinfo = timezone.utc) -> Email:
    """The email of this step for this order in the customer's language (the shop's when not given): the shop's
    subject and opening (or a draft's), then the facts; `at` (the step's time) is dated in the shop's `zone`."""
    locale = locale or shop_locale(shop)
    _ = translator(locale)
    subject, opening = _texts_in(shop, step, draft, _)
    facts = _facts(step, data, shop, _, locale, at.astimezone(zone) if at else None)
    body = "\n\n".join([_fill(opening, order, shop), *facts, shop_name(shop)])
    return Email(_fill(subject, order, shop), body)


# The sample's next step is one integration/requests/next_steps.py writes (its translation is in the catalog).
SAMPLE_STEP = N_("Print the prepaid return label below, stick it on the parcel and drop it off.")
SAMPLE_DATA = {"outcome": "approved", "reason": "the 30-day window for returns has passed",
               "label_url": "https://example.com/label.pdf", "link": "https://example.com/r/your-shop",
               "money": "40.00", "credit": "10.00", "currency": "USD", "tracking": "1Z999"}


def preview(shop: Shop, draft: dict | None = None) -> dict[str, Email]:
    """Every step's email for a made-up order #1001, as the shop's customers would read it in its language (with
    unsaved texts: `draft`)."""
    locale = shop_locale(shop)
    data = {**SAMPLE_DATA, "next_steps": [translator(locale)(SAMPLE_STEP)]}
    return {step: compose(shop, step, "#1001", data, draft, locale) for step in EMAIL_STEPS}
