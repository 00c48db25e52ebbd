"""Try a policy without publishing it: a request on a real stored order (or a typed case), decided by the
engine exactly as a real request would be, with nothing recorded and no action planned."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.domain import vocabulary as vocab
from integration.money import format_amount
from integration.policy.engine import decide
from integration.policy.model import Policy
from integration.policy.refund import line_deduction, pays_money
from integration.orders.as_case import decision_case
from integration.merchant.labels import rule_words
from integration.merchant.policy_text import fee_words

ORDERS_SHOWN = 50
MAX_CASE_CHARS = 200_000   # a pasted case; a real order's case is a few thousand
MAX_LINES = 1_000          # deciding a case grows faster than its line items


class SimulationError(ValueError):
    """The request or case cannot be decided; `errors` are 'field: message' lines."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0])
        self.errors = errors


@dataclass
class Simulation:
    """A decision as the contract's JSON, its per-line deductions, the clauses it quotes and its rules in words."""
    decision: dict
    deductions: list[dict] = field(default_factory=list)
    quoted: list[dict] = field(default_factory=list)
    rule_words: dict[str, str] = field(default_factory=dict)


def shop_orders(session: Session, shop: Shop, limit: int = ORDERS_SHOWN) -> list[Order]:
    """The shop's most recent stored orders."""
    return list(session.scalars(select(Order).where(Order.shop_id == shop.id, Order.deleted.is_(False))
                                .order_by(Order.placed_at.desc(), Order.id.desc()).limit(limit)))


def typed_case(text: str) -> dict:
    """A pasted contract case (JSON): its order is what the request is made on."""
    if len(text) > MAX_CASE_CHARS:
        raise SimulationError([f"case_json: {len(text):,} characters; paste a case of at most {MAX_CASE_CHARS:,}"])
    try:
        data = orjson.loads(text)   # refuses nesting over 1,024 deep, where json.loads raised RecursionError
    except orjson.JSONDecodeError as exc:
        raise SimulationError([f"case_json: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("order"), dict):
        raise SimulationError(["case_json: paste a contract case: a JSON object with an `order` (and a `request`)"])
    lines = data["order"].get("line_items")
    if isinstance(lines, list) and len(lines) > MAX_LINES:
        raise SimulationError([f"case_json: {len(lines):,} line items; a case may have at most {MAX_LINES:,}"])
    return data


def _submitted_at(value: str, zone: ZoneInfo) -> str:
    if not value:
        return datetime.now(zone).isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SimulationError([f"submitted_at: {value!r} is not a date and time; write e.g. 2026-05-12T10:00"]) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat(timespec="seconds")


def _items(form: Mapping, line_ids: list[str]) -> list[dict]:
    items = []
    for line_id in line_ids:
        raw = (form.get(f"qty.{line_id}") or "0").strip()
        if not raw.isdigit():
            raise SimulationError([f"qty.{line_id}: {raw!r} is not a whole number of units"])
        if int(raw):
            item = {"line_item_id": line_id, "quantity": int(raw)}
            if (condition := form.get(f"condition.{line_id}")) in vocab.CONDITIONS:
                item["condition"] = condition
            items.append(item)
    return items


def _count(form: Mapping, name: str) -> int:
    raw = (form.get(name) or "0").strip()
    if not raw.isdigit():
        raise SimulationError([f"{name}: {raw!r} is not a whole number"])
    return int(raw)


def request_from_form(form: Mapping, line_ids: list[str], zone: ZoneInfo) -> dict:
    """The contract's request object from the simulator's fields (submitted_at defaults to now)."""
    request = {"type": form.get("type", "return"), "submitted_at": _submitted_at(form.get("submitted_at", ""), zone)}
    if form.get("reason"):
        request["reason"] = form["reason"]
    if items := _items(form, line_ids):
        request["items"] = items
    request["evidence"] = {"photos": _count(form, "photos"), "videos": _count(form, "videos"),
                           "description": bool(form.get("description"))}
    if form.get("preferred_resolution"):
        request["preferred_resolution"] = form["preferred_resolution"]
    if form.get("inspected"):
        request["inspected"] = True
    return request


def stored_order_case(session: Session, shop: Shop, order: Order, request: dict) -> dict:
    """The contract case for a request on one of the shop's stored orders."""
    return decision_case(session, shop, order, request)


def _deductions(policy: Policy, decision) -> list[dict]:
    out = []
    currency = decision.refund.currency
    for verdict in decision.lines if decision.outcome != "denied" else ():
        if not pays_money(verdict) or verdict.line is None:
            continue
        amount, fee, pending = line_deduction(policy, verdict, currency)
        out.append({"line": verdict.line.title, "quantity": verdict.quantity, "condition": verdict.facts.condition,
                    "fee": fee_words(fee) if fee else ("set at inspection" if pending else "none"),
                    "amount": format_amount(amount, currency)})
    return out


def quoted_clauses(policy: Policy, rule_ids: list[str]) -> list[dict]:
    """Each deciding rule with the clause it quotes, in the decision's order."""
    by_id = {r.id: r for r in (*policy.rules, *policy.adjustments, policy.otherwise)}
    return [{"rule": rid, "clause": by_id[rid].clause, "text": policy.clauses.get(by_id[rid].clause, "").strip(),
             "explain": by_id[rid].explain, "words": rule_words(policy, rid)} for rid in rule_ids if rid in by_id]


def simulate(policy: Policy, case: dict) -> Simulation:
    """Decide a case with a policy (nothing is saved); raises SimulationError naming the field."""
    try:
        loaded = load_case(case)
    except InvalidCase as exc:
        raise SimulationError(exc.errors) from None
    decision = decide(policy, loaded)
    document = decision_json(decision)
    named = {*document["rules"], *(line["rule"] for line in document["lines"])}
    return Simulation(document, _deductions(policy, decision), quoted_clauses(policy, document["rules"]),
                      {rid: rule_words(policy, rid) for rid in named})
