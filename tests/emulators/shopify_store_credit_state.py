"""The emulated shop's store credit: each customer's accounts (one per currency) and storeCreditAccountCredit.

shopify.dev/docs/api/admin-graphql/latest/mutations/storeCreditAccountCredit: `id` is an account or its owner (a
customer); given a customer, an account is created for the currency if there is none. A credit made this way is an
ADJUSTMENT (StoreCreditSystemEvent) StoreCreditAccountCreditTransaction. Refusals use the codes of
StoreCreditAccountCreditUserErrorCode (NEGATIVE_OR_ZERO_AMOUNT, OWNER_NOT_FOUND) in the 2026-10 schema."""
from __future__ import annotations

import itertools
from decimal import Decimal

_ids = itertools.count(8000)


class StoreCreditMixin:
    """Mixed into ShopState: customer -> [accounts], each {"id", "currency", "transactions"}."""

    @property
    def credit_accounts(self) -> dict[str, list[dict]]:
        return self.__dict__.setdefault("_credit_accounts", {})

    def customer_node(self, customer_id: str) -> dict:
        """A Customer with its store credit accounts, as Order.customer resolves it."""
        accounts = [{"id": a["id"], "balance": {"amount": str(sum((Decimal(t["amount"]["amount"])
                                                                   for t in a["transactions"]), Decimal(0))),
                                                "currencyCode": a["currency"]},
                     "transactions": {"nodes": list(a["transactions"])}}
                    for a in self.credit_accounts.get(customer_id, [])]
        return {"id": customer_id, "storeCreditAccounts": {"nodes": accounts}}

    def credited(self, customer_id: str) -> list[Decimal]:
        """Every amount credited to the customer with storeCreditAccountCredit."""
        return [Decimal(t["amount"]["amount"]) for a in self.credit_accounts.get(customer_id, [])
                for t in a["transactions"]]

    def _account(self, owner: str, currency: str) -> dict | None:
        if owner.startswith("gid://shopify/StoreCreditAccount/"):
            return next((a for accounts in self.credit_accounts.values() for a in accounts if a["id"] == owner), None)
        if not owner.startswith("gid://shopify/Customer/"):
            return None
        accounts = self.credit_accounts.setdefault(owner, [])
        found = next((a for a in accounts if a["currency"] == currency), None)
        if found is None:
            found = {"id": f"gid://shopify/StoreCreditAccount/{next(_ids)}", "currency": currency, "transactions": []}
            accounts.append(found)
        return found

    def storeCreditAccountCredit(self, args):
        money = args["creditInput"]["creditAmount"]
        if Decimal(money["amount"]) <= 0:
            return {"storeCreditAccountTransaction": None, "userErrors": [
                {"field": ["creditInput", "creditAmount", "amount"], "message": "A positive amount must be used.",
                 "code": "NEGATIVE_OR_ZERO_AMOUNT"}]}
        account = self._account(args["id"], money["currencyCode"])
        if account is None:
            return {"storeCreditAccountTransaction": None, "userErrors": [
                {"field": ["id"], "message": "Owner does not exist.", "code": "OWNER_NOT_FOUND"}]}
        credit = {"id": f"gid://shopify/StoreCreditAccountCreditTransaction/{next(_ids)}", "event": "ADJUSTMENT",
                  "amount": {"amount": money["amount"], "currencyCode": money["currencyCode"]}}
        account["transactions"].append(credit)
        return {"storeCreditAccountTransaction": credit, "userErrors": []}
