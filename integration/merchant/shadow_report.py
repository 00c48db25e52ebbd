"""The shadow report: over the weeks a shop ran in shadow mode, what returnkit would have done for each request
next to what the merchant actually did on the platform (refunds and returns seen through webhooks)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from integration.db.base import utcnow
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import Decision, ReturnCase
from integration.merchant.shadow_words import action_words, money
from integration.shops.mode import SHADOWED, live_since

LIMIT = 500   # the newest requests shown; a shadow period is weeks, not years
VERDICTS = {"agreed": "agreed", "more": "returnkit would have refunded more",
            "less": "returnkit would have refunded less",
            "merchant_only": "the merchant did something returnkit would not",
            "not_yet": "returnkit would have acted; the merchant has not (yet)"}
_APPROVING, _DECLINING = ("approve_return", "create_return"), ("decline_return",)
_PLATFORM_WORDS = {"open": "approved", "closed": "approved"}


@dataclass(frozen=True)
class Row:
    """One request: returnkit's side (`would`), the merchant's (`did`), and how they compare."""
    case_id: int
    order_pk: int
    order_name: str
    requested_at: datetime
    outcome: str
    would: list[str]
    did: list[str]
    verdict: str


def _own_decisions(case: ReturnCase) -> list[Decision]:
    """returnkit's decisions on the request: not those recording what the merchant did in the platform's admin."""
    return [d for d in case.decisions if not (d.document.get("review") or {}).get("platform")]


def _would(case: ReturnCase) -> tuple[list[str], Decimal, str | None, str]:
    """(words, refund total, return handling, outcome) of returnkit's shadowed actions on the request."""
    decisions = _own_decisions(case)
    actions = [a for d in decisions for a in d.actions if a.state == SHADOWED]
    refund = sum((Decimal(str(a.payload.get("amount") or 0)) for a in actions if a.kind == "refund"
                  or (a.kind == "cancel_order" and a.payload.get("refund", True))), Decimal(0))
    kinds = {a.kind for a in actions}
    handling = "approve" if kinds & set(_APPROVING) else "decline" if kinds & set(_DECLINING) else None
    outcome = decisions[-1].outcome if decisions else "undecided"
    return [action_words(a.kind, a.payload) for a in actions], refund, handling, outcome


def _within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def _did(case: ReturnCase, order: Order, start: datetime, end: datetime) -> tuple[list[str], Decimal, str | None]:
    """(words, refunded total, return handling) the platform shows on the order between `start` and `end`."""
    refunds = [r for r in order.refunds if _within(r.created_at, start, end)]
    own_return = case.source_ref if case.source.endswith("_return") else None
    returns = [r for r in order.returns if r.return_id == own_return
               or (own_return is None and _within(r.platform_updated_at, start, end))]
    words = [f"refunded {money(r.amount, order.currency)}" for r in refunds]
    words += [f"return {_PLATFORM_WORDS.get(r.status, r.status)}" for r in returns]
    statuses = {r.status for r in returns}
    handling = "approve" if statuses & {"open", "closed"} else "decline" if "declined" in statuses else None
    return words, sum((r.amount for r in refunds), Decimal(0)), handling


def verdict(would_refund: Decimal, would_return: str | None, did_refund: Decimal, did_return: str | None) -> str:
    """How returnkit's decision compares with what the merchant did: one of VERDICTS."""
    if would_refund == did_refund and would_return == did_return:
        return "agreed"
    if did_refund == 0 and did_return is None:
        return "not_yet"
    if would_refund > did_refund:
        return "more"
    if would_refund < did_refund and (would_refund > 0 or would_return == "approve"):
        return "less"
    return "merchant_only"


def _window_ends(cases: list[ReturnCase], end: datetime) -> dict[int, datetime]:
    """Each request's window: until the next request on the same order, or the end of the shadow period."""
    by_order: dict[int, list[ReturnCase]] = defaultdict(list)
    for case in sorted(cases, key=lambda c: (c.created_at, c.id)):
        by_order[case.order_pk].append(case)
    return {case.id: (later[i + 1].created_at if i + 1 < len(later) else end)
            for later in by_order.values() for i, case in enumerate(later)}


def _row(case: ReturnCase, order: Order, end: datetime) -> Row:
    would, would_refund, would_return, outcome = _would(case)
    did, did_refund, did_return = _did(case, order, case.created_at, end)
    return Row(case.id, order.id, f"#{order.number or order.order_id}", case.created_at, outcome, would, did,
               verdict(would_refund, would_return, did_refund, did_return))


def shadow_report(session: Session, shop: Shop) -> dict:
    """The rows (newest first), the count of each verdict, and the shadow period (`until` None while in it)."""
    until = live_since(shop)
    end = until or utcnow()
    cases = list(session.scalars(
        select(ReturnCase).where(ReturnCase.shop_id == shop.id, ReturnCase.created_at < end)
        .order_by(ReturnCase.created_at.desc(), ReturnCase.id.desc()).limit(LIMIT)
        .options(selectinload(ReturnCase.decisions).selectinload(Decision.actions))))
    orders = {o.id: o for o in session.scalars(select(Order).where(Order.id.in_({c.order_pk for c in cases})).options(
        selectinload(Order.refunds), selectinload(Order.returns)))} if cases else {}
    ends = _window_ends(cases, end)
    rows = [_row(case, orders[case.order_pk], ends[case.id]) for case in cases]
    counts = Counter(row.verdict for row in rows)
    return {"rows": rows, "counts": [(key, words, counts.get(key, 0)) for key, words in VERDICTS.items()],
            "until": until, "limited": len(rows) == LIMIT}
