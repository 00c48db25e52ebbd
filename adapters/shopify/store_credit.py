"""A store-credit refund's bonus on Shopify: storeCreditAccountCredit for the customer, once.

storeCreditAccountCredit takes no idempotency key (its description does not document @idempotent), so before the
first attempt the customer's credit transactions are remembered; after a lost answer, an ADJUSTMENT credit of the
bonus's amount that was not there before is the one we made. That holds only if no other bonus is credited in
the shop meanwhile, so one bonus at a time holds the shop's claim from its first look until its credit is recorded
(a lost answer keeps it for the retry; another action's bonus waits)."""
from __future__ import annotations

from decimal import Decimal

from adapters.http import PlatformError
from adapters.shopify.documents import DOCUMENTS
from adapters.shopify.scopes import order_or_unreadable

CUSTOMER_CREDITS = """
query CustomerCredits($id: ID!) {
  order(id: $id) {
    id
    customer {
      id
      storeCreditAccounts(first: 10) {
        nodes {
          id
          balance { currencyCode }
          transactions(first: 100) {
            nodes { ... on StoreCreditAccountCreditTransaction { id event amount { amount currencyCode } } }
          }
        }
      }
    }
  }
}
"""

CREDIT_STORE_CREDIT = """
mutation CreditStoreCredit($id: ID!, $credit: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $credit) {
    storeCreditAccountTransaction { id amount { amount currencyCode } }
    userErrors { field message code }
  }
}
"""

DOCUMENTS.update({"CustomerCredits": CUSTOMER_CREDITS, "CreditStoreCredit": CREDIT_STORE_CREDIT})


def _credits(client, order_id: str, currency: str) -> tuple[str, list[dict]]:
    """The customer's id and their bonus-like credits (ADJUSTMENT) in this currency."""
    order = order_or_unreadable(client.graphql(CUSTOMER_CREDITS, {"id": order_id})["order"], order_id)
    customer = order.get("customer")
    if not customer:
        raise PlatformError("shopify: the order has no customer to give a store credit bonus to", retryable=False)
    nodes = [t for account in customer["storeCreditAccounts"]["nodes"]
             if account["balance"]["currencyCode"] == currency
             for t in account["transactions"]["nodes"] if t.get("event") == "ADJUSTMENT"]
    return customer["id"], nodes


CLAIM = "store-credit-bonus"


def credit_bonus(client, ledger, claim: tuple, order_id: str, bonus: str, currency: str) -> dict:
    """The bonus credited to the order's customer once: remembered in the ledger, or found after a lost answer.
    `claim` is (locks, this action's key): the shop's bonus claim is held until the credit is recorded."""
    if done := ledger.get("bonus"):
        return done
    locks, holder = claim
    if not locks.claim(CLAIM, holder):
        # Waiting for another action is no failure of this one: it must not use up its attempts (a holder killed
        # mid-call keeps the claim until its own retry, longer than eight quick backoffs).
        raise PlatformError("shopify: another store credit bonus of this shop is being credited; tried again shortly",
                            retryable=True, throttled=True, retry_after=2)
    try:
        made = _credit_once(client, ledger, order_id, bonus, currency)
    except PlatformError as exc:
        if not exc.retryable:   # nothing more will be tried: let the shop's other bonuses go ahead
            locks.unclaim(CLAIM, holder)
        raise
    locks.unclaim(CLAIM, holder)
    return made


def _credit_once(client, ledger, order_id: str, bonus: str, currency: str) -> dict:
    """Look (the first time: what is there already; after a lost answer: whether ours got through), then credit."""
    customer, nodes = _credits(client, order_id, currency)
    seen = ledger.get("bonus_seen")
    if seen is None:
        ledger.record("bonus_seen", [t["id"] for t in nodes])
    else:
        made = next((t for t in nodes if t["id"] not in seen
                     and Decimal(t["amount"]["amount"]) == Decimal(bonus)), None)
        if made is not None:   # an earlier attempt got through; its answer was lost
            ledger.record("bonus", {"bonus": made["id"], "bonus_amount": bonus})
            return ledger.get("bonus")
    credit = {"creditAmount": {"amount": bonus, "currencyCode": currency}, "notify": True}
    result = client.graphql(CREDIT_STORE_CREDIT, {"id": customer, "credit": credit})["storeCreditAccountCredit"]
    if result.get("userErrors"):
        raise PlatformError(f"shopify: {result['userErrors'][0].get('message')}", retryable=False)
    ledger.record("bonus", {"bonus": result["storeCreditAccountTransaction"]["id"], "bonus_amount": bonus})
    return ledger.get("bonus")
