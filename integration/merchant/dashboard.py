"""The numbers a merchant watches over a period: aggregate queries, each filtered on the shop."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.request_models import Action, ActionAttempt, Decision, ReturnCase
from integration.requests.review import latest_decisions

PERIODS = (7, 30, 90)
OUTCOMES = ("approved", "denied", "needs_review", "needs_evidence")
REFUND_KINDS = ("refund", "cancel_order")   # a cancellation refunds the order too


@dataclass(frozen=True)
class Stats:
    days: int
    since: datetime
    by_outcome: dict[str, int]
    by_reason: dict[str, int]
    refunded: dict[str, Decimal]            # currency -> amount
    fees_withheld: dict[str, Decimal]       # currency -> amount
    median_to_decision: timedelta | None
    median_to_refund: timedelta | None
    failing: dict[str, int]                 # dead / retrying actions now
    per_day: list[tuple[date, dict[str, int]]]

    @property
    def requests(self) -> int:
        """Requests made in the period."""
        return sum(self.by_outcome.values())


def _latest(shop_id: int, since: datetime):
    latest = latest_decisions()
    return (lambda *columns: select(*columns).select_from(ReturnCase)
            .join(latest, latest.c.case_pk == ReturnCase.id).join(Decision, Decision.id == latest.c.latest)
            .where(ReturnCase.shop_id == shop_id, ReturnCase.created_at >= since))


def _money_sums(rows) -> dict[str, Decimal]:
    """Exact sums from (currency, amount string, count) groups: the database never adds money as floats."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount, count in rows:
        if currency and amount:
            sums[currency] += Decimal(amount) * count
    return {currency: total for currency, total in sorted(sums.items()) if total}


def _refunded(session: Session, shop_id: int, since: datetime) -> dict[str, Decimal]:
    currency, amount = Action.payload["currency"].as_string(), Action.payload["amount"].as_string()
    return _money_sums(session.execute(
        select(currency, amount, func.count()).where(
            Action.shop_id == shop_id, Action.kind.in_(REFUND_KINDS), Action.state == "succeeded",
            Action.created_at >= since).group_by(currency, amount)))


def _fees(session: Session, query) -> dict[str, Decimal]:
    currency = Decision.document[("refund", "currency")].as_string()
    deductions = Decision.document[("refund", "deductions")].as_string()
    return _money_sums(session.execute(query(currency, deductions, func.count())
                                       .where(Decision.outcome == "approved").group_by(currency, deductions)))


def _aware(value) -> datetime:
    """min() over a UTCDateTime column comes back raw: a naive UTC datetime (or a string) on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _median_span(session: Session, shop_id: int, since: datetime, first_time, query) -> timedelta | None:
    """The median over the period's requests of (the first `first_time` reached for it) - (request made)."""
    rows = session.execute(query(select(ReturnCase.created_at, func.min(first_time)).select_from(ReturnCase)
                                 .join(Decision, Decision.case_pk == ReturnCase.id))
                           .where(ReturnCase.shop_id == shop_id, ReturnCase.created_at >= since)
                           .group_by(ReturnCase.id))
    spans = [_aware(done) - made for made, done in rows if done is not None]
    return median(spans) if spans else None


def _to_decision(session: Session, shop_id: int, since: datetime) -> timedelta | None:
    return _median_span(session, shop_id, since, Decision.created_at, lambda q: q)


def _to_refund(session: Session, shop_id: int, since: datetime) -> timedelta | None:
    return _median_span(session, shop_id, since, ActionAttempt.finished_at, lambda q: q.join(
        Action, Action.decision_pk == Decision.id).join(ActionAttempt, ActionAttempt.action_pk == Action.id).where(
        Action.kind.in_(REFUND_KINDS), ActionAttempt.status == "succeeded"))


def _per_day(session: Session, query, today: date, days: int) -> list[tuple[date, dict[str, int]]]:
    day = func.date(ReturnCase.created_at)
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for when, outcome, count in session.execute(query(day, Decision.outcome, func.count()).group_by(day, Decision.outcome)):
        key = when if isinstance(when, date) else date.fromisoformat(str(when))
        counts[key][outcome] = count
    return [(d, counts.get(d, {})) for d in (today - timedelta(days=n) for n in range(days - 1, -1, -1))]


def dashboard_stats(session: Session, shop_id: int, days: int, now: datetime | None = None) -> Stats:
    """The shop's figures for the last `days` days (7, 30 or 90)."""
    if days not in PERIODS:
        raise ValueError(f"days: choose one of {', '.join(map(str, PERIODS))}")
    today = (now or utcnow()).astimezone(timezone.utc).date()
    since = datetime.combine(today - timedelta(days=days - 1), time(), timezone.utc)
    query = _latest(shop_id, since)
    reason = ReturnCase.request["reason"].as_string()
    by_outcome = dict(session.execute(query(Decision.outcome, func.count()).group_by(Decision.outcome)).all())
    by_reason = {r or "none": n for r, n in session.execute(query(reason, func.count()).group_by(reason))}
    failing = dict(session.execute(select(Action.state, func.count()).where(
        Action.shop_id == shop_id, Action.state.in_(("dead", "retrying"))).group_by(Action.state)).all())
    return Stats(days, since, {o: by_outcome.get(o, 0) for o in OUTCOMES}, dict(sorted(by_reason.items())),
                 _refunded(session, shop_id, since), _fees(session, query),
                 _to_decision(session, shop_id, since),
                 _to_refund(session, shop_id, since), {s: failing.get(s, 0) for s in ("dead", "retrying")},
                 _per_day(session, query, today, days))
