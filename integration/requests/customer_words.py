"""The customer's words for a decision, apart from the merchant's explanation: short, plain, in the shop's voice,
with what happens next, when, and how to reach the shop; no refund figure until the request is granted."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list
from sqlalchemy.orm import object_session

from integration.db.models import PolicyVersion
from integration.shops.display import shop_name
from integration.policy.loader import load_policy_text

Gettext = Callable[..., str]


def _same(text: str, **values) -> str:
    return text % values if values else text


@dataclass(frozen=True)
class CustomerWords:
    """What the customer reads: a headline, one or two plain sentences, and how to reach the shop."""
    headline: str
    message: list[str]
    contact: str
    steps: list[str] = field(default_factory=list)


def contact_email(shop) -> str | None:
    """The shop's contact address: its own setting, else its return address's email; None when neither is stored."""
    settings = shop.settings or {}
    return settings.get("contact_email") or (settings.get("return_address") or {}).get("email") or None


def contact_sentence(shop, _: Gettext = _same) -> str:
    """How to reach the shop, in one sentence."""
    email = contact_email(shop)
    if email:
        return _("Questions? Write to %(email)s.", email=email)
    return _("Questions? Reply to your order confirmation email.")


def customer_date(at: datetime, zone: ZoneInfo, locale: str = "en") -> str:
    """A date as the customer reads it, in the shop's zone: 'Friday 11 December' (never ISO)."""
    return format_date(at.astimezone(zone).date(), "EEEE d MMMM", locale=locale)


_SINGULAR_LEADS = ("a ", "an ", "one ")


def label_is_plural(words: str) -> bool | None:
    """Whether a merchant's kind, in a sentence, names one thing or several: 'a photo of the slip' is one; None when
    its words do not say ('IMEI number', 'receipts')."""
    return False if words.lower().startswith(_SINGULAR_LEADS) else None


def evidence_needed(wanted: list[tuple[str, bool | None]], _: Gettext = _same, locale: str = "en") -> str:
    """What the shop still needs, in one sentence whose pronoun agrees with it; `wanted`: (words, plural or None)."""
    if not wanted:
        return _("To decide, the shop needs more information. Send it below.")
    what = format_list([words for words, _plural in wanted], locale=locale or "en")
    if len(wanted) > 1 or wanted[0][1] is True:
        return _("To decide, the shop needs %(what)s. Send them below.", what=what)
    if wanted[0][1] is False:
        return _("To decide, the shop needs %(what)s. Send it below.", what=what)
    return _("To decide, the shop needs %(what)s, which you can send below.", what=what)


@lru_cache(maxsize=64)
def _rule_words(version_id: int, document: str) -> dict[str, str]:
    policy = load_policy_text(document)
    return {rule.id: rule.explain for rule in (*policy.rules, policy.otherwise) if rule.explain}


def denial_reason(decision_row) -> str | None:
    """The rule's own plain words for a denial ('final sale items cannot be returned'), or None."""
    if decision_row.decided_by != "policy":   # the merchant's own reason, as they wrote it on review
        said = (decision_row.document.get("explanation") or "").split(": ", 1)
        return said[1].split(". ", 1)[0].strip().rstrip(".") if len(said) == 2 else None
    session = object_session(decision_row)
    version = session.get(PolicyVersion, decision_row.policy_version_id) if session is not None else None
    if version is None:
        return None
    words = _rule_words(version.id, version.document)
    for rule_id in decision_row.document.get("rules") or []:
        if words.get(rule_id):
            return words[rule_id].strip().rstrip(".")
    return None


def _deadline(decision: dict, zone: ZoneInfo, locale: str) -> str | None:
    if not decision.get("deadline"):
        return None
    return customer_date(datetime.fromisoformat(decision["deadline"]), zone, locale)


def _message(shop, decision_row, zone: ZoneInfo, locale: str, _: Gettext) -> tuple[str, list[str]]:
    decision, name = decision_row.document, shop_name(shop)
    outcome = decision["outcome"]
    if outcome == "approved":
        return _("Good news: your request is accepted"), [_("Here is what happens next.")]
    if outcome == "needs_evidence":
        return _("We need a little more from you"), [
            _("%(shop)s can decide as soon as you send what is listed below.", shop=name)]
    if outcome == "needs_review":
        return _("%(shop)s will look at your request", shop=name), [
            _("Requests like this one are decided by the shop itself. You do not need to do anything for now.")]
    reason = denial_reason(decision_row)
    said = [_("We are sorry: %(shop)s cannot accept this request.", shop=name)]
    said.append(_("The reason: %(reason)s.", reason=reason) if reason else
                _("The shop's returns policy does not cover it."))
    if closed := _deadline(decision, zone, locale):
        said.append(_("The time for this request ended on %(date)s.", date=closed))
    said.append(_("If you think this is a mistake, or something else went wrong, contact the shop: it can still "
                  "look at it."))
    return _("We cannot accept this request"), said


def customer_words(shop, decision_row, steps: list[str], zone: ZoneInfo, locale: str = "en",
                   _: Gettext = _same) -> CustomerWords:
    """The decision in the customer's words; `steps` are what happens next (integration/requests/next_steps.py)."""
    headline, message = _message(shop, decision_row, zone, locale, _)
    return CustomerWords(headline, message, contact_sentence(shop, _), list(steps))
