"""A WooCommerce store on the Kaolate policy with a second size of the motor on line 41: helpers for exchanges."""
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action, ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.shops.core import issue_api_key, set_policy
from tests.e2e.test_woocommerce_actions import ORDER, STORY
from tests.orders.test_picture import replay

WANTED = "303"   # the motor's other size, a variation of product 301, at the line's price (20.00)
SIZE_EXCHANGE = {"type": "exchange", "submitted_at": "2026-05-11T10:00:00-05:00", "reason": "ordered_wrong_variant",
                 "items": [{"line_item_id": "41", "quantity": 1, "exchange_for": {"variant_id": WANTED}}]}


def stock(woo, variant=WANTED, price="20.00", units=5) -> None:
    """The wanted variation as the store describes it: its price and the units it counts."""
    woo.products[variant] = {"id": int(variant), "parent_id": 301, "type": "variation", "name": "NEMA17 motor, 48 mm",
                             "sku": f"NEMA17-{variant}", "price": price, "manage_stock": True, "backorders": "no",
                             "stock_quantity": units, "stock_status": "instock" if units > 0 else "outofstock"}


def kaolate_store(client, rt, queue, shops) -> str:
    """The WooCommerce shop on the Kaolate policy with its order replayed; its API key."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["woocommerce"].id)
        set_policy(session, shop, resolve_policy_path("kaolate").read_text())
        key = issue_api_key(shop)
    replay(client, rt, queue, "woocommerce", STORY)
    return key


def ask(client, key: str, request: dict):
    body = {"shop": "https://woo-demo.example.com", "order_id": ORDER, "request": request}
    return client.post("/api/v1/requests", json=body, headers={"Authorization": f"Bearer {key}"})


def inspect(client, key: str, case_id: int, condition: str = "unused"):
    return client.post(f"/api/v1/requests/{case_id}/inspection", json={"items": {"41": condition}, "by": "Ana"},
                       headers={"Authorization": f"Bearer {key}"})


def stored_request(rt, case_id: int) -> dict:
    with rt.sessions() as session:
        return session.get(ReturnCase, case_id).request


def action_kinds(rt) -> list[str]:
    with rt.sessions() as session:
        return list(session.scalars(select(Action.kind).order_by(Action.id)))


def kaolate_with(terms: str) -> str:
    """The Kaolate policy with `terms` (a YAML line) added to its size-exchange rule."""
    text = resolve_policy_path("kaolate").read_text()
    rule = ("    explain: unworn items can be exchanged for another size or colour that is in stock; return shipping "
            "is yours")
    assert rule in text
    return text.replace(rule, f"    {terms}\n{rule}")


def use_policy_text(rt, shop_id: int, text: str) -> None:
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), text)
