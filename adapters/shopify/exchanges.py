"""Exchanges on Shopify ride on the return: returnCreate's exchangeLineItems say what the customer gets instead, and
returnProcess confirms them; Shopify then releases the exchange's fulfillment order on the original order and
settles any balance itself (shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/manage-exchanges,
shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/read-exchanges: "Native exchanges do not create a
separate new order")."""
from __future__ import annotations

from adapters.http import PlatformError
from adapters.shopify import exchange_documents as docs


def _gid(kind: str, value) -> str:
    return str(value) if str(value).startswith("gid://") else f"gid://shopify/{kind}/{value}"


def open_exchange_items(client, return_id: str) -> list[dict]:
    """The return's exchange line items still to confirm, as ReturnProcessExchangeLineItemInput with their variant."""
    found = client.graphql(docs.RETURN_EXCHANGES, {"id": _gid("Return", return_id)})["return"]
    if found is None:
        raise PlatformError(f"shopify: return {return_id} does not exist", retryable=False)
    return [{"id": n["id"], "quantity": n["processableQuantity"], "variantId": n.get("variantId")}
            for n in found["exchangeLineItems"]["nodes"] if n["processableQuantity"] > 0]


def in_stock(variant: dict | None, units: int) -> bool:
    """Sellable now: untracked, selling on when none is left (inventoryPolicy CONTINUE), or enough units."""
    if not variant:
        return False
    if not (variant.get("inventoryItem") or {}).get("tracked") or variant.get("inventoryPolicy") == "CONTINUE":
        return True
    return int(variant.get("inventoryQuantity") or 0) >= units


def variant_in_stock(client, variant_id: str, units: int) -> bool:
    """The variant's stock as Shopify says it now."""
    found = client.graphql(docs.VARIANT_STOCK, {"id": _gid("ProductVariant", variant_id)})["productVariant"]
    return in_stock(found, units)


def variants_in_stock(client, wants: dict[str, int]) -> dict[str, bool]:
    """Each wanted variant (id -> units) sellable now, as Shopify says it, in one question per 250 variants; a
    variant that no longer exists cannot be sold."""
    ids, answers = list(wants), {}
    for start in range(0, len(ids), docs.MAX_NODES):
        chunk = ids[start:start + docs.MAX_NODES]
        nodes = client.graphql(docs.VARIANTS_STOCK, {"ids": [_gid("ProductVariant", i) for i in chunk]})["nodes"]
        answers.update({i: in_stock(node, wants[i]) for i, node in zip(chunk, nodes)})
    return answers


def out_of_stock(client, items: list[dict]) -> list[str]:
    """The exchange items' variants that cannot be sold in their quantity now."""
    return [item["variantId"] for item in items if not variant_in_stock(client, item["variantId"], item["quantity"])]


def process_input(found: dict, return_lines: list[dict], items: list[dict]) -> dict:
    """returnProcess's input: the returned lines and the exchange items confirmed, no money (Shopify settles it)."""
    return {"returnId": found["id"], "returnLineItems": return_lines, "notifyCustomer": True,
            "exchangeLineItems": [{"id": item["id"], "quantity": item["quantity"]} for item in items]}
