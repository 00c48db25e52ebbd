"""The crash test's size exchanges (Kaolate) on both platforms: the shops, the stock of the wanted sizes, the
inspections that let the exchanges go ahead, and what each platform must hold afterwards, exactly once."""
from collections import Counter

from sqlalchemy import select

from adapters.woocommerce.orders_out import MARKER_KEY

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action, ReturnCase
from integration.policy.loader import resolve_policy_path
from integration.requests.decide import record_inspection
from integration.shops.core import add_shop
from tests.e2e.crash_world import run_python
from tests.e2e.exchange_world import WANTED, stock

OTHER_SIZE = "46000001"   # the Shopify line's variant is 44_000_000 + the order id
SHOPIFY_WANTED = f"gid://shopify/ProductVariant/{OTHER_SIZE}"
UNITS = 1_000   # far more than are exchanged: every exchange is in stock, and the units taken show each one once
EXCHANGE = {"type": "exchange", "submitted_at": "2026-05-05T10:00:00-05:00", "reason": "ordered_wrong_variant",
            "items": [{"line_item_id": "1", "quantity": 1, "exchange_for": {"variant_id": OTHER_SIZE}}]}
WOO_EXCHANGE = {**EXCHANGE, "items": [{**EXCHANGE["items"][0], "exchange_for": {"variant_id": WANTED}}]}


def exchange_shops(session, servers) -> list:
    """A Shopify and a WooCommerce shop on Kaolate's policy (size exchanges approved, the return required)."""
    kaolate = resolve_policy_path("kaolate").read_text()
    return [add_shop(session, platform="shopify", domain="crash-exchange.myshopify.com", webhook_secret="x",
                     policy_text=kaolate, api_token="shpat_crash", api_base_url=servers[0].url),
            add_shop(session, platform="woocommerce", domain="https://exchange.example.com", webhook_secret="x",
                     policy_text=kaolate, consumer_key="ck_test", consumer_secret="cs_test",
                     api_base_url=servers[1].url)]


def stock_wanted(shopify, woo) -> None:
    """The wanted size on each platform, at the line's price (20.00): an even exchange."""
    shopify.state.set_stock(SHOPIFY_WANTED, UNITS)
    stock(woo, units=UNITS)


def inspect_exchanges(rt, env, shopify, woo, case_ids) -> None:
    """Each exchanged item received unused, as the merchant records it (until then Shopify's exchange fulfillment
    orders stay held and no WooCommerce exchange order exists); the actions this plans are queued."""
    assert {fo["status"] for fo in shopify.state.exchange_orders()} == {"ON_HOLD"}
    assert woo_children(woo, "exchange") == []
    with transaction(rt.sessions) as session:
        before = set(session.scalars(select(Action.id)))
        for case_id in case_ids:
            case = session.get(ReturnCase, case_id)
            record_inspection(session, session.get(Shop, case.shop_id), case, {"1": "unused"}, "crash")
    with rt.sessions() as session:
        new = sorted(set(session.scalars(select(Action.id))) - before)
    assert new, "the inspections planned no action"
    run_python(env, f"from integration.jobs.queue import enqueue_action\nfor i in {new}: enqueue_action(i)")


def _meta(order: dict, key: str):
    return next((m["value"] for m in order.get("meta_data") or () if m["key"] == key), None)


def woo_children(woo, what: str) -> list[dict]:
    """The orders we made as children of an original, whose marker says `what` (replacement, exchange)."""
    return [o for o in woo.orders.values()
            if o.get("parent_id") and str(_meta(o, MARKER_KEY) or "").startswith(f"returnkit-{what}-")]


def assert_one_exchange_each(shopify, woo, shopify_cases: dict[int, int], woo_cases: dict[int, int]) -> None:
    """Shopify: one return per exchanged order, its exchange confirmed once (one released fulfillment order) and the
    return closed with no money moved; WooCommerce: one paid zero-total child order per request; no refund."""
    gids = Counter(f"gid://shopify/Order/{o}" for o in shopify_cases)
    released = shopify.state.exchange_orders()
    assert Counter(fo["order"] for fo in released) == gids
    assert {(fo["status"], tuple(fo["holds"]), tuple(fo["lines"])) for fo in released} == {
        ("OPEN", (), ((SHOPIFY_WANTED, 1),))}
    returns = [r for r in shopify.state.returns.values() if r.get("exchanges")]
    assert Counter(r["order"] for r in returns) == gids and {r["status"] for r in returns} == {"CLOSED"}
    assert {(n["quantity"], n["processedQuantity"]) for r in returns for n in r["exchanges"]} == {(1, 1)}
    processed = [r for r in shopify.state.refunds if r.get("return")]
    assert len(processed) == len(shopify_cases)   # returnProcess once each: a second one finds the return closed
    assert {(r["amount"], r["credit"]) for r in processed} == {(0, 0)}
    assert shopify.state.stock()[SHOPIFY_WANTED]["inventoryQuantity"] == UNITS - len(shopify_cases)
    made = woo_children(woo, "exchange")
    assert Counter(o["parent_id"] for o in made) == Counter(woo_cases.keys())
    assert Counter(_meta(o, MARKER_KEY) for o in made) == Counter(f"returnkit-exchange-case-{c}"
                                                                    for c in woo_cases.values())
    assert {(o["status"], o["total"]) for o in made} == {("processing", "0.00")}
    assert woo.products[WANTED]["stock_quantity"] == UNITS - len(woo_cases)   # set_paid took one unit each
    assert not any(woo.refunds.get(str(o)) for o in woo_cases)
