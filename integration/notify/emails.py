"""The customer's emails: the merchant's subject and opening per step (or ours), then the step's facts."""
from __future__ import annotations

from dataclasses import dataclass

from adapters.registry import ADAPTERS
from integration.db.models import Shop
from integration.notify.events import EMAIL_STEPS
from integration.shops.display import shop_name

MAX_SUBJECT, MAX_OPENING = 200, 2000
DEFAULT_TEXTS = {
    "received": ("We received your request about order {order}",
                 "Thank you: we have your request about order {order}. We will email you at each step."),
    "needs_evidence": ("One more thing about your request on order {order}",
                       "To decide on your request about order {order}, we need a little more from you."),
    "approved": ("Your request about order {order} is approved", "Good news: your request about order {order} "
                 "is approved."),
    "denied": ("About your request on order {order}", "We looked at your request about order {order}, and we "
               "cannot accept it."),
    "refunded": ("Your money for order {order} is on its way", "We have issued what we owe you for order {order}."),
    "parcel_received": ("We received your parcel for order {order}", "Your return parcel for order {order} has "
                        "arrived."),
    "exchange_shipped": ("Your exchange for order {order} has shipped", "The item you chose in exchange for order "
                         "{order} is on its way."),
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
    address = (shop.settings or {}).get("return_address") or {}
    return address.get("email") or shop.domain


def _facts(step: str, data: dict, shop: Shop) -> list[str]:
    if step == "needs_evidence":
        return [*data.get("next_steps", []), f"Send it here: {data.get('link', '')}".rstrip()]
    if step == "approved":
        label = [f"Your prepaid return label: {data['label_url']}"] if data.get("label_url") else []
        return [*data.get("next_steps", []), *label]
    if step == "denied":
        return [f"Why: {data.get('reason') or 'the shop policy does not cover this request.'}",
                f"To talk to the shop about it, write to {_contact(shop)}."]
    if step == "refunded":
        return _amount_lines(data)
    if step == "exchange_shipped" and data.get("tracking"):
        return [f"Tracking: {data['tracking']}"]
    return []


def _amount_lines(data: dict) -> list[str]:
    currency, lines = data.get("currency", ""), []
    if data.get("money") not in (None, "0", "0.00"):
        lines.append(f"Refunded to your original payment method: {data['money']} {currency}")
    if data.get("credit") not in (None, "0", "0.00"):
        lines.append(f"Store credit: {data['credit']} {currency}")
    if data.get("bonus") not in (None, "0", "0.00"):
        lines.append(f"Bonus store credit: {data['bonus']} {currency}")
    return lines


def compose(shop: Shop, step: str, order: str, data: dict, draft: dict | None = None) -> Email:
    """The email of this step for this order: the shop's subject and opening (or a draft's), then the facts."""
    subject, opening = (draft or texts(shop))[step]
    facts = _facts(step, data, shop)
    body = "\n\n".join([_fill(opening, order, shop), *facts, shop_name(shop)])
    return Email(_fill(subject, order, shop), body)


SAMPLE_DATA = {"outcome": "approved", "reason": "the 30-day window for returns has passed",
               "next_steps": ["Print the prepaid return label below, stick it on the parcel and drop it off."],
               "label_url": "https://example.com/label.pdf", "link": "https://example.com/r/your-shop",
               "money": "40.00", "credit": "10.00", "currency": "USD", "tracking": "1Z999"}


def preview(shop: Shop, draft: dict | None = None) -> dict[str, Email]:
    """Every step's email for a made-up order #1001, as the customer would read it (with unsaved texts: `draft`)."""
    return {step: compose(shop, step, "#1001", SAMPLE_DATA, draft) for step in EMAIL_STEPS}
