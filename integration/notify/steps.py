"""Announcements of an action's end, written by the action runner in the transaction that records it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.db.request_models import Action, Decision, ReturnCase
from integration.notify.announce import announce

MAX_ERROR = 500
# The actions that make the customer's new item's order (an exchange, a replacement): exchange.shipped when made.
NEW_ITEM_KINDS = ("create_exchange", "create_replacement")


def refund_amounts(payload: dict, result: dict | None) -> dict:
    """What a refund paid, money apart from store credit (and any bonus credit), as decimal strings."""
    amount, credit = str(payload.get("amount", "0")), payload.get("method") == "store_credit"
    amounts = {"currency": payload.get("currency", ""), "money": "0" if credit else amount,
               "credit": amount if credit else "0"}
    if payload.get("bonus"):
        amounts["bonus"] = str(payload["bonus"])
    if (result or {}).get("refund_by_hand"):
        amounts["by_hand"] = True   # recorded on the platform; the merchant pays it themselves
    return amounts


def action_finished(session: Session, action: Action, state: str) -> None:
    """action.succeeded or action.failed (dead) for the action's request; refund.issued for a refund paid,
    exchange.shipped for an exchange or replacement order made."""
    if state not in ("succeeded", "dead"):
        return
    case = session.scalar(select(ReturnCase).join(Decision, Decision.case_pk == ReturnCase.id)
                          .where(Decision.id == action.decision_pk))
    data = {"action_id": action.id, "kind": action.kind, "attempts": action.attempts}
    if state == "dead":
        announce(session, case, "action.failed", {**data, "error": (action.last_error or "")[:MAX_ERROR]})
        return
    announce(session, case, "action.succeeded", data)
    if action.kind == "refund":
        announce(session, case, "refund.issued", {**data, **refund_amounts(action.payload, action.result)})
    elif action.kind in NEW_ITEM_KINDS and not (action.result or {}).get("out_of_stock"):
        announce(session, case, "exchange.shipped", data)
