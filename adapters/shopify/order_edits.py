"""Edit requests on Shopify: a new shipping address (orderUpdate), and a line's variant changed by order editing
(orderEditBegin, orderEditAddVariant, orderEditSetQuantity on the old line, orderEditCommit), each made once."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify import order_edit_documents as docs
from adapters.shopify.scopes import order_or_unreadable
from integration.domain import actions as act

# The case's address fields -> MailingAddressInput's.
_ADDRESS = {"first_name": "firstName", "last_name": "lastName", "company": "company", "address1": "address1",
            "address2": "address2", "city": "city", "province_code": "provinceCode", "zip": "zip",
            "country_code": "countryCode", "phone": "phone"}


def _gid(kind: str, value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def _number(gid) -> str:
    return str(gid).rsplit("/", 1)[-1]


def _check(payload: dict) -> dict:
    if payload.get("userErrors"):
        raise PlatformError(f"shopify: {payload['userErrors'][0].get('message')}", retryable=False)
    return payload


def mailing_address(address: dict) -> dict:
    """The edit's address as MailingAddressInput (fields left empty are not sent)."""
    return {_ADDRESS[key]: value for key, value in address.items() if key in _ADDRESS and value}


def change_address(client, payload: act.ChangeAddress) -> dict:
    """orderUpdate with the new shippingAddress: the same address again changes nothing, so a retry is safe."""
    order = _gid("Order", payload.order_id)
    variables = {"input": {"id": order, "shippingAddress": mailing_address(payload.address)}}
    result = _check(client.graphql(docs.UPDATE_SHIPPING_ADDRESS, variables)["orderUpdate"])
    return {"order": order, "shipping_address": (result.get("order") or {}).get("shippingAddress")}


def _units(client, order: str, payload: act.ChangeVariant) -> tuple[int, int]:
    """(units of the old line, units of the wanted variant) on the order as it stands."""
    found = order_or_unreadable(client.graphql(docs.ORDER_LINES_FOR_EDIT, {"id": order})["order"], order)
    nodes = found["lineItems"]["nodes"]
    old = sum(n["currentQuantity"] for n in nodes if _number(n["id"]) == _number(payload.line_id))
    new = sum(n["currentQuantity"] for n in nodes if _number((n.get("variant") or {}).get("id")) == _number(
        payload.variant_id))
    return old, new


def _edited(client, order: str, payload: act.ChangeVariant, key: str) -> dict:
    """One edit session: the variant added, the old line's units taken off (restocked), committed quietly."""
    calculated = _check(client.graphql(docs.BEGIN_ORDER_EDIT, {"id": order})["orderEditBegin"])["calculatedOrder"]
    # A CalculatedLineItem carries its LineItem's number (shopify.dev, edit-orders: "gid://shopify/CalculatedLineItem/…").
    line = next((n for n in calculated["lineItems"]["nodes"] if _number(n["id"]) == _number(payload.line_id)), None)
    if line is None or line["editableQuantity"] < payload.quantity:
        left = 0 if line is None else line["editableQuantity"]
        raise PlatformError(f"shopify: line {payload.line_id} has {left} unit(s) left to change (the rest shipped or "
                            "was removed): change the order by hand", retryable=False)
    session = calculated["id"]
    _check(client.graphql(docs.ADD_VARIANT_TO_EDIT, {"id": session, "variantId": _gid("ProductVariant", payload.variant_id),
                                                     "quantity": payload.quantity})["orderEditAddVariant"])
    _check(client.graphql(docs.SET_EDIT_QUANTITY, {"id": session, "lineItemId": line["id"],
                                                   "quantity": line["quantity"] - payload.quantity})["orderEditSetQuantity"])
    _check(client.graphql(docs.COMMIT_ORDER_EDIT, {"id": session, "staffNote": f"returnkit {key}"})["orderEditCommit"])
    return {"order": order, "calculated_order": session}


def change_variant(client, ledger, payload: act.ChangeVariant, key: str) -> dict:
    """The edit, once: the lines are counted before the first attempt, and an attempt that finds the old line down
    and the variant up by the units asked for knows a lost answer's commit went through (an uncommitted session
    changes nothing, so a new one is begun)."""
    order = _gid("Order", payload.order_id)
    before = ledger.get("units_before")
    now = _units(client, order, payload)
    if before is None:
        before = list(now)
        ledger.record("units_before", before)
    elif now[0] <= before[0] - payload.quantity and now[1] >= before[1] + payload.quantity:
        return {"order": order, "skipped": "already changed"}
    return _edited(client, order, payload, key)


class OrderEditActions:
    """The edit request's action kinds, mixed into ShopifyActions (which gives client, ledger and locks)."""

    def do_change_address(self, payload: act.ChangeAddress, key: str) -> dict:
        """orderUpdate with the edit's shippingAddress."""
        return change_address(self.client, payload)

    def do_change_variant(self, payload: act.ChangeVariant, key: str) -> dict:
        """The line's variant changed by order editing, once; one edit at a time on an order (its units are counted
        to know whether a lost answer's edit went through)."""
        with self.locks.hold(str(payload.order_id)):
            return change_variant(self.client, self.ledger, payload, key)
