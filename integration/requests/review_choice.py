"""What the merchant may grant when approving on review (every resolution the policy allows, or a partial refund
up to what it would refund), and the approve form's `resolution` and `amount` fields checked against it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from integration.domain.case import Case
from integration.money import ZERO, exponent, format_amount
from integration.policy.engine import decide_as_merchant
from integration.policy.merchant_choice import FIXED_TYPES, KEEP_ITEM, PARTIAL_REFUND, Choice, offered
from integration.policy.model import Policy
from integration.requests.decide import RequestError

LABELS = {"refund": "Refund", "replacement": "Replacement", "repair": "Repair", "exchange": "Exchange",
          "store_credit": "Store credit", "cancel_and_refund": "Cancel the order and refund", "edit": "Make the change",
          KEEP_ITEM: "Refund, and the customer keeps the item", PARTIAL_REFUND: "Partial refund (give an amount)"}


@dataclass(frozen=True)
class Offer:
    """The approve form's choices: resolutions (the policy's default first), the partial refund's ceiling."""
    resolutions: tuple[str, ...]
    default: str
    cap: Decimal | None      # None: no partial refund for this request (an edit, a cancellation, nothing on the order)
    currency: str

    @property
    def cap_words(self) -> str:
        """The ceiling as the form says it, e.g. '66.50 USD'."""
        return f"{format_amount(self.cap or ZERO, self.currency)} {self.currency}"

    def choices(self) -> list[tuple[str, str]]:
        """(value, label) for the form's select, partial refund last."""
        values = self.resolutions + ((PARTIAL_REFUND,) if self.cap is not None else ())
        return [(value, LABELS[value]) for value in values]


def merchant_offer(policy: Policy, case: Case) -> Offer:
    """What approving this request may grant: the policy's resolutions (or the merchant's choice when its terms name
    none), and a partial refund up to the policy's full refund, or the items' value when it would refund nothing."""
    full = decide_as_merchant(policy, case, "approved", "")
    currency = case.order.currency
    if full.outcome != "approved":
        return Offer((), "none", None, currency)
    granted = [v for v in full.lines if v.outcome == "approved"]
    resolutions = offered(case.request.type, granted)
    if case.request.type in FIXED_TYPES:
        return Offer(resolutions, full.resolution, None, currency)
    cap = full.refund.total
    if not cap:
        money = decide_as_merchant(policy, case, "approved", "", Choice(PARTIAL_REFUND)).refund
        cap = max(money.items - money.unpaid, ZERO)
    return Offer(resolutions, full.resolution if full.resolution in resolutions else resolutions[0], cap, currency)


def parse_choice(offer: Offer, resolution: str, amount: str) -> Choice | None:
    """The merchant's choice from the form (None: the policy's default); 422 naming the field and the fix."""
    resolution, amount = resolution.strip(), amount.strip()
    if resolution == PARTIAL_REFUND and offer.cap is not None:
        return Choice(PARTIAL_REFUND, _amount(offer, amount))
    if amount:
        raise RequestError(["amount: only a partial refund takes an amount; choose \"Partial refund\" as the "
                            "resolution, or leave the amount empty"], 422)
    if not resolution:
        return None
    if resolution not in offer.resolutions:
        words = ", ".join(value for value, _ in offer.choices())
        raise RequestError([f"resolution: choose one of {words} (not {resolution!r})"], 422)
    return Choice(resolution)


def _amount(offer: Offer, text: str) -> Decimal:
    if not text:
        raise RequestError([f"amount: give the partial refund, at most {offer.cap_words}"], 422)
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise RequestError([f"amount: write a number such as 12.00, not {text!r}"], 422)
    if -value.as_tuple().exponent > exponent(offer.currency):
        raise RequestError([f"amount: {offer.currency} has {exponent(offer.currency)} decimal(s); "
                            f"write it like {format_amount(Decimal(12), offer.currency)}"], 422)
    if value <= 0:
        raise RequestError(["amount: a partial refund is more than 0; to refund nothing, deny the request or "
                            "choose another resolution"], 422)
    if value > (offer.cap or ZERO):
        raise RequestError([f"amount: at most {offer.cap_words} (the full refund, or the items' value when the "
                            "policy refunds nothing); lower it"], 422)
    return value
