"""Replay a draft policy against the shop's past requests: what each would be decided now, and what changes.

Each stored request is decided again on its stored order, exactly as `requests.decide_case` would, but
nothing is recorded and no action is planned.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from integration.policy.engine import decide
from integration.policy.model import Policy
from integration.merchant.review_queue import order_label
from integration.orders.as_case import decision_case

REPLAY_LIMIT = 500   # the most recent requests replayed; enough to judge a change, bounded for the page


@dataclass
class ReplayRow:
    """One past request: its latest decision, the draft's decision, and which of them differ."""
    case_id: int
    order_id: str
    request: dict
    before: dict
    after: dict | None
    error: str | None = None
    changes: tuple[str, ...] = ()
    order_label: str = ""                 # the order as the merchant knows it ("#1001")
    before_version: int | None = None     # the policy version that made the latest decision (its rules' words)


@dataclass
class Replay:
    rows: list[ReplayRow] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Requests the draft would decide differently."""
        return sum(1 for r in self.rows if r.changes)

    @property
    def unchanged(self) -> int:
        """Requests the draft would decide the same way."""
        return sum(1 for r in self.rows if r.after is not None and not r.changes)

    @property
    def failed(self) -> int:
        """Requests that cannot be decided again (their order no longer fits the contract)."""
        return sum(1 for r in self.rows if r.error)


def summary(document: dict) -> dict:
    """The parts of a decision a replay compares: outcome, refund total and the deciding rules."""
    return {"outcome": document["outcome"], "refund_total": document["refund"]["total"],
            "currency": document["refund"]["currency"], "rules": list(document["rules"])}


def differences(before: dict, after: dict) -> tuple[str, ...]:
    """Which of outcome, refund total and rules differ."""
    return tuple(key for key in ("outcome", "refund_total", "rules") if before[key] != after[key])


def past_cases(session: Session, shop: Shop, limit: int = REPLAY_LIMIT) -> list[ReturnCase]:
    """The shop's most recent requests that have a decision, newest first, with their decisions loaded."""
    cases = session.scalars(select(ReturnCase).where(ReturnCase.shop_id == shop.id)
                            .options(selectinload(ReturnCase.decisions))
                            .order_by(ReturnCase.id.desc()).limit(limit))
    return [c for c in cases if c.decisions]


def _row(session: Session, shop: Shop, policy: Policy, case: ReturnCase, order: Order) -> ReplayRow:
    latest = case.decisions[-1]
    before = summary(latest.document)
    row = ReplayRow(case.id, order.order_id, case.request, before, None, order_label=order_label(order),
                    before_version=latest.policy_version_id)
    try:
        contract = load_case(decision_case(session, shop, order, case.request, case_id=str(case.id)))
    except InvalidCase as exc:
        row.error = exc.errors[0]
        return row
    row.after = summary(decision_json(decide(policy, contract)))
    row.changes = differences(before, row.after)
    return row


def replay(session: Session, shop: Shop, policy: Policy, limit: int = REPLAY_LIMIT) -> Replay:
    """Decide each of the shop's past requests again with `policy`; nothing is saved."""
    cases = past_cases(session, shop, limit)
    orders = {o.id: o for o in session.scalars(select(Order).where(
        Order.shop_id == shop.id, Order.id.in_({c.order_pk for c in cases})))}
    return Replay([_row(session, shop, policy, c, orders[c.order_pk]) for c in cases if c.order_pk in orders])
