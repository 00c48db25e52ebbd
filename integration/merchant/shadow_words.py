"""What a shadowed action would have done, in the merchant's words: "refund 42.50 USD", "create return"."""
from __future__ import annotations

from decimal import Decimal

from integration.money import format_amount

_PLAIN = {"order_note": "add a note to the order", "customer_note": "send the customer a note",
          "approve_return": "approve the return", "create_return": "create return",
          "decline_return": "decline the return", "return_label": "buy and send a return label",
          "create_replacement": "send a replacement", "close_return": "close the return",
          "create_exchange": "create the exchange order", "change_address": "change the shipping address",
          "change_variant": "change the item's variant"}


def money(amount: str | Decimal | None, currency: str) -> str:
    """An amount with its currency, exact to the minor unit: "42.50 USD"."""
    return f"{format_amount(Decimal(str(amount or 0)), currency)} {currency}".strip()


def action_words(kind: str, payload: dict) -> str:
    """The action as the merchant would say it."""
    currency = payload.get("currency", "")
    if kind == "refund":
        what = "store credit" if payload.get("method") == "store_credit" else "refund"
        return f"{what} {money(payload.get('amount'), currency)}"
    if kind == "cancel_order":
        refunded = f", refunding {money(payload.get('amount'), currency)}" if payload.get("refund", True) else ""
        return f"cancel the order{refunded}"
    if kind == "tag_order":
        return f"{'remove' if payload.get('remove') else 'add'} the tag “{payload.get('tag', '')}”"
    return _PLAIN.get(kind, kind.replace("_", " "))


def would_have(kind: str, payload: dict) -> str:
    """The line shown for a shadowed action: "would have: refund 42.50 USD"."""
    return f"would have: {action_words(kind, payload)}"
