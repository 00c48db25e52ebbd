"""What happens next, in the customer's words: the label or where to send the parcel, the deadline,
when the money comes back, and what is still needed."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from babel.dates import format_date
from sqlalchemy.orm import object_session

from integration.notify.reach import can_email
from integration.requests.customer_words import evidence_needed, label_is_plural
from integration.requests.evidence_kinds import kind_words
from integration.runtime import SETTINGS_INFO
from integration.shops.returns_setup import labels_ready, return_address_text



def N_(text: str) -> str:
    """Marks a text for the catalog (pybabel -k N_); it is translated where it is shown."""
    return text


# Each text whole (a translator sees the sentence, not pieces): marked with N_ for the catalog, translated where used.
_EVIDENCE_WORDS = {"photos": N_("photos of the item"), "video": N_("a short video showing the problem"),
                   "description": N_("a few words describing what happened"), "order_number": N_("your order number")}
_PLURAL_EVIDENCE = {"photos", "description"}   # "Send them below"; a video is "Send it below"
_GOODS = {"replacement": N_("The shop will send a replacement."), "exchange": N_("The shop will send your exchange."),
          "repair": N_("The shop will send the repaired item.")}
_WAITS_FOR = {"after_inspection": N_("Once the item arrives and passes inspection, "),
              "on_return_scan": N_("Once the carrier scans your return parcel, "),
              "on_return_delivered": N_("Once your return parcel is delivered back to the shop, ")}
Gettext = Callable[..., str]


def _same(text: str, **values) -> str:
    return text % values if values else text


def _deadline(decision: dict, locale: str = "en") -> str | None:
    if not decision.get("deadline"):
        return None
    at = datetime.fromisoformat(decision["deadline"])   # already in the shop's zone (the contract says so)
    return format_date(at.date(), "EEEE d MMMM", locale=locale)


def _label(decision_row) -> dict | None:
    for action in decision_row.actions:
        if action.kind == "return_label" and action.state == "succeeded" and action.result:
            return {"url": action.result.get("label_url"), "tracking": action.result.get("tracking_code")}
    return None


def _credit(decision: dict, decision_row) -> dict | None:
    """The store credit given, once its action succeeded: the coupon code where the platform gives one (WooCommerce),
    the amount and the policy's bonus apart."""
    for action in decision_row.actions:
        if action.kind == "refund" and action.state == "succeeded" and action.payload.get("method") == "store_credit":
            credit = decision.get("credit") or {}
            return {"code": (action.result or {}).get("store_credit"), "currency": credit.get("currency"),
                    "amount": credit.get("amount") or action.payload.get("amount"), "bonus": credit.get("bonus")}
    return None


def _emailed(order, case) -> bool:
    """Whether a promise to email the customer can be kept: a mail server (not the local outbox), an address."""
    session = object_session(case) if case is not None else None
    return can_email(session.info.get(SETTINGS_INFO) if session is not None else None, order)


def _prepaid_steps(shop, decision_row, address: str | None, _: Gettext) -> list[str]:
    """The shop pays: the label once bought, a label to come only when the shop's labels are set up."""
    if _label(decision_row):
        return [_("Print the prepaid return label below, stick it on the parcel and drop it off.")]
    if shop is not None and labels_ready(shop):
        return [_("The shop pays for the return: your prepaid label is being prepared and will appear on your "
                  "request page.")]
    # No label account: the shop sends its own instructions (the order is tagged for it), so promise no label.
    if address:
        return [_("The shop pays for the return: wait for its instructions before sending the item(s) back to "
                  "%(address)s.", address=address)]
    return [_("The shop pays for the return: wait for its instructions before sending the item(s) back.")]


def _shipping_steps(shop, decision: dict, decision_row, _: Gettext, locale: str) -> list[str]:
    if not decision.get("return_required"):
        return []
    by = _deadline(decision, locale)
    address = return_address_text(shop) if shop is not None else None
    if decision.get("return_shipping_paid_by") == "merchant":
        return _prepaid_steps(shop, decision_row, address, _)
    if not address:   # shown again with the address as soon as the shop sets one
        return [_("The shop has not given its return address yet: come back to your request page for it, then send "
                  "the item(s) at your own cost, with your order number inside the parcel, by %(date)s.", date=by)
                if by else
                _("The shop has not given its return address yet: come back to your request page for it, then send "
                  "the item(s) at your own cost, with your order number inside the parcel.")]
    return [_("Send the item(s) to %(address)s, at your own cost, with your order number inside the parcel, by "
              "%(date)s.", address=address, date=by) if by else
            _("Send the item(s) to %(address)s, at your own cost, with your order number inside the parcel.",
              address=address)]


def _money_steps(decision: dict, _: Gettext) -> list[str]:
    refund = decision.get("refund") or {}
    if decision.get("resolution") == "edit":
        return [_("The shop changes your order as you asked, before it ships.")]
    if decision.get("resolution") in _GOODS:
        return [_(_GOODS[decision["resolution"]])]
    if not refund or refund.get("total", "0").strip("0.") == "":
        return []
    amount = f"{refund['total']} {refund['currency']}"
    days = refund.get("due_within_business_days")
    if refund.get("method") == "original_payment":
        back = (_("%(amount)s comes back to your original payment method within %(days)s business days.",
                  amount=amount, days=days) if days else
                _("%(amount)s comes back to your original payment method.", amount=amount))
    else:
        back = (_("%(amount)s comes back as store credit within %(days)s business days.", amount=amount, days=days)
                if days else _("%(amount)s comes back as store credit.", amount=amount))
    lead = _(_WAITS_FOR[refund["timing"]]) if refund.get("timing") in _WAITS_FOR else ""
    return [lead + back]


def next_steps(shop, order, case, decision_row, _: Gettext = _same, locale: str = "en") -> dict:
    """The steps to show under a decision, and the prepaid label when one was bought (`_`: the page's gettext)."""
    decision = decision_row.document
    outcome = decision["outcome"]
    credit = _credit(decision, decision_row) if outcome == "approved" else None
    if outcome == "approved":
        money = [_("Your store credit is ready: it is shown below.")] if credit else _money_steps(decision, _)
        steps = _shipping_steps(shop, decision, decision_row, _, locale) + money
    elif outcome == "needs_evidence":
        words = kind_words(object_session(case), shop)   # the merchant's own kinds, in the merchant's words
        # Never the order number: the customer proved the order with it, and the request carries it already.
        said = {kind: words.get(kind, kind) for kind in decision.get("evidence_required", []) if kind != "order_number"}
        wanted = [(_(_EVIDENCE_WORDS[kind]), kind in _PLURAL_EVIDENCE) if kind in _EVIDENCE_WORDS
                  else (text, label_is_plural(text)) for kind, text in said.items()]
        steps = [evidence_needed(wanted, _, locale)]
    elif outcome == "needs_review":
        steps = [_("The shop will look at your request itself and answer you by email.") if _emailed(order, case)
                 else _("The shop will look at your request itself: check this page for its answer.")]
    else:
        steps = []
    return {"steps": steps, "label": _label(decision_row) if outcome == "approved" else None, "credit": credit}
