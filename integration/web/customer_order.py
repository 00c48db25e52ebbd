"""What the customer's order still allows: the units not refunded nor held by another request, and the customer's
earlier requests on it with their status."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from integration.db.request_models import ReturnCase
from integration.requests.customer_words import customer_date
from integration.web.customer_exchange import LineLook, line_looks, products_of
from integration.web.customer_i18n import N_

STATUS_WORDS = {"approved": N_("Accepted"), "denied": N_("Not accepted"),
                "needs_evidence": N_("Waiting for your photos or details"), "needs_review": N_("With the shop"),
                "closed": N_("Closed: the return label was not used in time")}
TYPE_WORDS = {"return": N_("Return"), "exchange": N_("Exchange"), "cancellation": N_("Cancellation"),
              "warranty": N_("Warranty claim"), "edit": N_("Change to the order")}


def _cases(db, order) -> list[ReturnCase]:
    return list(db.scalars(select(ReturnCase).where(ReturnCase.shop_id == order.shop_id,
                                                    ReturnCase.order_pk == order.id).order_by(ReturnCase.id)))


def _held(cases) -> Counter:
    """Units asked for by requests not turned down nor closed unsent (a label left unused); an edit moves none."""
    held = Counter()
    for case in cases:
        if (not case.decisions or case.decisions[-1].outcome == "denied" or case.status == "closed"
                or case.request.get("type") == "edit"):
            continue
        for item in case.request.get("items") or []:
            held[str(item.get("line_item_id"))] += int(item.get("quantity") or 0)
    return held


def _refunded(order) -> Counter:
    refunded = Counter()
    for refund in order.refunds:
        for line_id, quantity in refund.line_quantities or []:
            refunded[str(line_id)] += int(quantity)
    return refunded


def returnable_units(db, order) -> dict[str, int]:
    """Per line, the units the customer may still ask about; none at all on a cancelled order."""
    if order.cancelled_at is not None:
        return {line.line_id: 0 for line in order.lines}
    held, refunded = _held(_cases(db, order)), _refunded(order)
    # The larger of the two, not their sum: a request granted through returnkit is also a refund on the order.
    return {line.line_id: max(0, line.quantity - max(held[line.line_id], refunded[line.line_id]))
            for line in order.lines}


def _first_look(case, looks: dict[str, LineLook]) -> LineLook | None:
    """The look of the request's first item (an edit names its line apart), for the picture beside it."""
    first = (case.request.get("items") or [case.request.get("edit") or {}])[0]
    return looks.get(str(first.get("line_item_id") or ""))


def earlier_requests(db, order, zone, locale: str = "en", _=lambda text: text) -> list[dict]:
    """The customer's requests on this order, newest first: id, when (in the shop's zone), what, its status and
    the picture of its first item (None when the catalogue has no https one), its alt text the product's title."""
    out, cases = [], list(reversed(_cases(db, order)))
    looks = line_looks(order, products_of(db, order.shop_id, order)) if cases else {}
    for case in cases:
        outcome = case.decisions[-1].outcome if case.decisions else "needs_review"
        outcome = "closed" if case.status == "closed" else outcome
        look = _first_look(case, looks)
        out.append({"id": case.id, "when": customer_date(case.created_at, zone, locale),
                    "type": _(TYPE_WORDS.get(case.request.get("type"), N_("Request"))),
                    "status": _(STATUS_WORDS.get(outcome, N_("With the shop"))),
                    "image": look.image if look else None, "alt": look.alt if look else None})
    return out
