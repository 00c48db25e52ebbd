"""A Kinectr defect, its replacement set to "create automatically": exactly one zero-price replacement order on each
platform, whatever the lost answers and repeated runs; left to the merchant, only today's staff note."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action
from integration.outbox.gateways import platform_gateway
from integration.shops.replacements import set_modes
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, shopify, use_policy  # noqa: F401
from tests.e2e.test_woocommerce_actions import ORDER as WOO_ORDER
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.e2e.test_woocommerce_actions import ask, woo  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY, replay

DEFECT = {"type": "return", "reason": "defective", "evidence": {"photos": 2, "description": True}}
MARKER = "returnkit-replacement-case-{}"


def automatic(rt, shop_id) -> None:
    with transaction(rt.sessions) as session:
        set_modes(session.get(Shop, shop_id), {"replacement[custom]": "automatic"}, ["custom"])


def make_due(rt) -> None:
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.state == "retrying")):
            action.next_attempt_at = utcnow() - timedelta(seconds=1)


def run_again(rt, shop_id, kind: str) -> dict:
    """The action of this kind run once more by the shop's gateway, with its own key (a second worker's run)."""
    with rt.sessions() as session:
        action = session.scalar(select(Action).where(Action.kind == kind))
        shop = session.get(Shop, shop_id)
        return platform_gateway(shop).perform(kind, action.payload, action.idempotency_key)


def shopify_defect(client, rt, queue, shops):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", STORY)
    item = {"items": [{"line_item_id": "9002", "quantity": 1}], "submitted_at": "2026-05-12T10:00:00-06:00"}
    response, _ = api_request(client, rt, shops, {**DEFECT, **item})
    decision = response.json["decision"]
    assert (decision["outcome"], decision["resolution"], decision["return_required"]) == (
        "approved", "replacement", False)
    return response.json["request_id"]


def test_shopify_a_kinectr_defect_gets_one_zero_price_draft_order_completed_once(client, rt, queue, shops, shopify):
    shopify.state.set_variant(ORDER, "9002", "44440002")
    automatic(rt, shops["shopify"].id)
    case_id = shopify_defect(client, rt, queue, shops)
    shopify.faults.extend(["", "", "lost"])   # the search, the original order, then the draft's answer is lost
    assert drain(rt) == ["retrying", "succeeded"]
    make_due(rt)
    assert drain(rt) == ["succeeded"]
    again = run_again(rt, shops["shopify"].id, "create_replacement")
    assert again["skipped"] == "already created"
    assert seen(shopify).count("CreateDraftOrder") == 1 and seen(shopify).count("CompleteDraftOrder") == 1
    [made] = shopify.state.completed_orders()
    assert (made["total"], made["paid"], made["tags"]) == (
        Decimal(0), True, [MARKER.format(case_id), "returnkit-replacement"])
    [(variant, qty, price)] = made["lines"]
    assert (variant, qty, price) == ("gid://shopify/ProductVariant/44440002", 1, Decimal("0.00"))
    draft = dict(shopify.calls)["CreateDraftOrder"]["input"]
    assert draft["shippingLine"]["priceWithCurrency"] == {"amount": "0.00", "currencyCode": "USD"}
    assert "ship a replacement" not in shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["note"]


def test_shopify_left_to_the_merchant_a_custom_item_gets_only_the_staff_note(client, rt, queue, shops, shopify):
    shopify.state.set_variant(ORDER, "9002", "44440002")
    shopify_defect(client, rt, queue, shops)
    assert set(drain(rt)) == {"succeeded"}
    assert "CreateDraftOrder" not in seen(shopify) and shopify.state.completed_orders() == []
    assert "returnkit: ship a replacement for 1 x line 9002." in shopify.state.orders[
        f"gid://shopify/Order/{ORDER}"]["note"]


def woo_defect(client, rt, queue, shops) -> int:
    replay(client, rt, queue, "woocommerce", WOO_STORY)      # kinectr: every item custom-made
    item = {"items": [{"line_item_id": "42", "quantity": 1}], "submitted_at": "2026-05-11T10:00:00-05:00"}
    decision = ask(client, rt, shops, {**DEFECT, **item}).json
    assert (decision["decision"]["outcome"], decision["decision"]["resolution"]) == ("approved", "replacement")
    return decision["request_id"]


def children(woo) -> list[dict]:
    return [o for o in woo.orders.values() if o.get("parent_id") == int(WOO_ORDER)]


def test_woocommerce_a_kinectr_defect_gets_one_zero_price_order_linked_to_the_original(client, rt, queue, shops, woo):
    automatic(rt, shops["woocommerce"].id)
    case_id = woo_defect(client, rt, queue, shops)
    woo.faults.extend([None, "lost"])   # the original order read, then the new order's answer is lost
    assert drain(rt) == ["retrying", "succeeded"]
    make_due(rt)
    assert drain(rt) == ["succeeded"]
    assert run_again(rt, shops["woocommerce"].id, "create_replacement")["skipped"] == "already created"
    [made] = children(woo)
    assert (made["total"], made["status"], made["date_paid"] is not None) == ("0.00", "processing", True)
    assert [(li["product_id"], li["variation_id"], li["quantity"], li["total"]) for li in made["line_items"]] == [
        (302, 0, 1, "0.00")]
    meta = {m["key"]: m["value"] for m in made["meta_data"]}
    assert meta == {"_returnkit_marker": MARKER.format(case_id), "_returnkit_original_order": WOO_ORDER}
    assert len([c for c in woo.calls if c[:2] == ("POST", "orders")]) == 1   # the lost one, found again after it
    named = [n for n in woo.notes[WOO_ORDER] if f"order #{made['number']} created at no charge" in n["note"]]
    assert len(named) == 1 and not named[0]["customer_note"]


def test_woocommerce_left_to_the_merchant_a_custom_item_gets_only_the_staff_note(client, rt, queue, shops, woo):
    woo_defect(client, rt, queue, shops)
    assert set(drain(rt)) == {"succeeded"}
    assert children(woo) == [] and not any(c[:2] == ("POST", "orders") for c in woo.calls)
    assert any("ship a replacement for 1 x line 42." in n["note"] for n in woo.notes[WOO_ORDER])
