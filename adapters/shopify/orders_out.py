"""Orders returnkit creates on Shopify: a replacement, as a draft order at 100 % off completed as paid, made once."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify import orders_out_documents as docs
from adapters.shopify.scopes import order_or_unreadable
from integration.domain import actions as act

REPLACEMENT_TAG = "returnkit-replacement"

# Why a draft order and not the exchange of a Shopify return: most replacements have no return at all (the claim is
# settled on photos: Kinectr waives it), and a return's exchange line items are priced at today's price and
# discounts, so a changed price would leave the customer a balance to pay; a draft with every line 100 % off is zero
# whatever the catalogue says. Where a return exists it is still approved (and processed) by its own actions.


def _gid(kind: str, value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def _check(payload: dict) -> dict:
    if payload.get("userErrors"):
        raise PlatformError(f"shopify: {payload['userErrors'][0].get('message')}", retryable=False)
    return payload


def _address(found: dict | None) -> dict | None:
    """The original shipping address as MailingAddressInput (the name split when Shopify gives only the whole)."""
    if not found:
        return None
    first, last = found.get("firstName"), found.get("lastName")
    if not (first or last) and found.get("name"):
        first, _, last = found["name"].partition(" ")
    fields = {"firstName": first, "lastName": last or None, "company": found.get("company"),
              "address1": found.get("address1"), "address2": found.get("address2"), "city": found.get("city"),
              "provinceCode": found.get("provinceCode"), "zip": found.get("zip"),
              "countryCode": found.get("countryCodeV2"), "phone": found.get("phone")}
    return {k: v for k, v in fields.items() if v}


def _line_items(order: dict, payload: act.CreateReplacement) -> list[dict]:
    """The same variants and quantities, each 100 % off."""
    variants = {node["id"]: (node.get("variant") or {}).get("id") for node in order["lineItems"]["nodes"]}
    items = []
    for line, qty in payload.lines:
        variant = variants.get(_gid("LineItem", line))
        if not variant:
            raise PlatformError(f"shopify: line {line} of order {order.get('name')} has no product variant any more: "
                                "ship its replacement by hand", retryable=False)
        items.append({"variantId": variant, "quantity": int(qty), "appliedDiscount": {
            "valueType": "PERCENTAGE", "value": 100.0, "title": "returnkit replacement",
            "description": f"No charge: replacement for order {order.get('name')}"}})
    return items


def draft_input(order: dict, payload: act.CreateReplacement) -> dict:
    """The draft: the lines at no cost, free shipping, tagged with our marker, noting the original order; the
    customer's own email comes with the customer (Order.email is protected customer data we do not ask for)."""
    out = {"lineItems": _line_items(order, payload), "tags": [payload.marker, REPLACEMENT_TAG],
           "note": f"returnkit replacement for order {order.get('name')} (no charge) [{payload.marker}]",
           "shippingLine": {"title": "returnkit replacement",
                            "priceWithCurrency": {"amount": "0.00", "currencyCode": order["currencyCode"]}}}
    if (order.get("customer") or {}).get("id"):
        out["purchasingEntity"] = {"customerId": order["customer"]["id"]}
    if address := _address(order.get("shippingAddress")):
        out["shippingAddress"] = address
    return out


def marked_draft(client, marker: str) -> dict | None:
    """Our draft order for this marker, if Shopify has it."""
    nodes = client.graphql(docs.MARKED_DRAFT_ORDERS, {"query": f"tag:'{marker}'"})["draftOrders"]["nodes"]
    return next((n for n in nodes if marker in (n.get("tags") or ())), None)


def _create(client, ledger, payload: act.CreateReplacement) -> dict:
    """draftOrderCreate, its id remembered at once (the search may lag behind a draft just made)."""
    order_id = _gid("Order", payload.order_id)
    order = order_or_unreadable(client.graphql(docs.REPLACEMENT_SOURCE, {"id": order_id})["order"], order_id)
    made = _check(client.graphql(docs.CREATE_DRAFT_ORDER, {"input": draft_input(order, payload)})[
        "draftOrderCreate"])["draftOrder"]
    ledger.record("draft_order", made)
    return made


def _complete(client, draft: dict, marker: str) -> dict:
    """draftOrderComplete with no payment terms: the zero total is marked paid; a lost answer's is found again."""
    result = client.graphql(docs.COMPLETE_DRAFT_ORDER, {"id": draft["id"]})["draftOrderComplete"]
    if result.get("userErrors"):
        again = marked_draft(client, marker)
        if again and again["status"] == "COMPLETED":
            return again
        _check(result)
    return result["draftOrder"]


def create_replacement(client, ledger, payload: act.CreateReplacement) -> dict:
    """The replacement order, created and completed once."""
    draft = marked_draft(client, payload.marker) or ledger.get("draft_order")
    found = draft is not None and draft.get("status") == "COMPLETED"
    if draft is None:
        draft = _create(client, ledger, payload)
    if draft["status"] != "COMPLETED":
        draft = _complete(client, draft, payload.marker)
    made = {"draft_order": draft["id"], "replacement_order": (draft.get("order") or {}).get("id"),
            "name": (draft.get("order") or {}).get("name")}
    return {**made, **({"skipped": "already created"} if found else {})}
