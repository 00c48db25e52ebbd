"""The merchant's own choice on review: which resolution the customer gets, or a partial refund with a reason."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from integration.money import ZERO, format_amount
from integration.policy.fees import FeeCharge
from integration.policy.judge import LineVerdict
from integration.policy.model import Fee
from integration.policy.refund import Refund

KEEP_ITEM = "keep_item"   # a refund, and the customer keeps the item: nothing is sent back
PARTIAL_REFUND = "partial_refund"
# For a request the policy left open (no rule matched), the merchant may also pick among these.
MERCHANTS_CHOICE = ("refund", "replacement", "exchange", "store_credit", KEEP_ITEM)
# Requests whose resolution is fixed by their type: an edit is the change asked for, a cancellation cancels.
FIXED_TYPES = ("edit", "cancellation")
OPEN_RULE = "otherwise"   # the policy's catch-all: no rule of its own decided the request
PARTIAL_LABEL = "Partial refund chosen on review"
_WAITS_FOR_ITEM = ("after_inspection",)


@dataclass(frozen=True, slots=True)
class Choice:
    """What the merchant chose: a resolution (or keep_item / partial_refund) and, for a partial refund, its amount."""
    resolution: str
    amount: Decimal | None = None

    def json(self) -> dict:
        """As the review records it: `resolution`, and `amount` for a partial refund."""
        return {"resolution": self.resolution, **({"amount": str(self.amount)} if self.amount is not None else {})}

    @staticmethod
    def from_review(review: dict) -> Choice | None:
        """The choice a recorded review made (None: the policy's default), to re-decide with it after inspection."""
        if not review.get("resolution"):
            return None
        amount = review.get("amount")
        return Choice(review["resolution"], Decimal(amount) if amount is not None else None)


def offered(request_type: str, verdicts: list[LineVerdict]) -> tuple[str, ...]:
    """Every resolution the merchant may grant: the lines' options as the policy allows them (stock-bound ones
    replaced by if_out_of_stock when out of stock); when no rule matched (the policy left the request open), those
    of the terms that would apply, then the rest of the merchant's choice."""
    options = tuple(dict.fromkeys(o for v in verdicts for o in v.options))
    if request_type in FIXED_TYPES or not any(v.rule.id == OPEN_RULE for v in verdicts if v.line is not None):
        return options
    return tuple(dict.fromkeys((*options, *MERCHANTS_CHOICE)))


def chosen_verdict(verdict: LineVerdict, choice: Choice) -> LineVerdict:
    """An approved line settled the merchant's way; keep_item (and a partial refund) pays money, and keep_item
    sends nothing back, so its refund no longer waits for an inspection."""
    if verdict.outcome != "approved":
        return verdict
    resolution = "refund" if choice.resolution in (KEEP_ITEM, PARTIAL_REFUND) else choice.resolution
    options = (resolution, *(o for o in verdict.options if o != resolution))
    terms = verdict.terms
    if choice.resolution == KEEP_ITEM:
        timing = None if terms.timing in _WAITS_FOR_ITEM else terms.timing
        terms = replace(terms, return_required=False, shipping_paid_by=None, timing=timing)
    return replace(verdict, resolution=resolution, options=options, terms=terms)


def partial(refund: Refund, amount: Decimal) -> Refund:
    """The refund brought down to `amount`: what it withholds beyond the policy's fees is one charge, labelled as
    the merchant's (no clause: the reason is the review's), so the fees still add up to the deductions less unpaid."""
    gross = refund.items + refund.shipping + refund.tax
    if amount <= refund.total:
        extra = refund.total - amount
        charges = refund.fees + ((_charge(extra),) if extra else ())
    else:   # the policy refunds less than the merchant grants (nothing, say): the merchant's amount replaces its fees
        extra = gross - refund.unpaid - amount
        charges = (_charge(extra),) if extra else ()
    deductions = gross - amount
    return replace(refund, deductions=max(deductions, ZERO), fees=charges, deductions_waivable=False,
                   deductions_pending_inspection=False, bonus=ZERO)


def _charge(amount: Decimal) -> FeeCharge:
    return FeeCharge(Fee(amount=amount, per="order", base="fixed", label=PARTIAL_LABEL), amount, None, "review")


def partial_words(because: str, refund: Refund, return_required: bool, payer: str | None) -> str:
    """The merchant's explanation of a partial refund: their reason, the amount, what the customer sends back."""
    cur = refund.currency
    words = [f"Approved by the merchant on review: {because.strip().rstrip('.')}.",
             f"Resolution: a partial refund of {format_amount(refund.total, cur)} {cur}."]
    if return_required:
        words.append("Return shipping is on us: we provide a prepaid label." if payer == "merchant"
                     else "Return shipping is yours to pay; we send the return address and instructions.")
    else:
        words.append("You do not need to send the item back.")
    return " ".join(words)
