"""The exchange picker's stock, asked in as few questions as each platform allows, over the wire: Shopify answers
every variant in one `nodes` query (null for a variant that is gone), WooCommerce a product's variations in one
listing with `include`."""
from integration.db.models import Shop
from integration.outbox.gateways import platform_gateway
from tests.e2e.test_shopify_actions import shopify  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)


def _gateway(rt, shop_id: int):
    with rt.sessions() as session:
        return platform_gateway(session.get(Shop, shop_id), rt.sessions, rt.settings)


def test_shopify_answers_every_choice_in_one_question(rt, shops, shopify):
    shopify.state.set_stock("8003", 4)
    shopify.state.set_stock("8004", 0)
    shopify.state.set_stock("8005", 0, policy="CONTINUE")   # sells on when none is left
    wants = [(None, "8003", 1), (None, "8004", 1), (None, "8005", 1), (None, "8999", 1)]
    assert _gateway(rt, shops["shopify"].id).variants_in_stock(wants) == {
        "8003": True, "8004": False, "8005": True, "8999": False}   # 8999: no such variant any more
    assert [(name, v["ids"][-1]) for name, v in shopify.calls if name == "VariantsStock"] == [
        ("VariantsStock", "gid://shopify/ProductVariant/8999")]


def test_shopify_is_asked_250_variants_at_a_time(rt, shops, shopify):
    for n in range(251):
        shopify.state.set_stock(str(9000 + n), n % 2)
    answers = _gateway(rt, shops["shopify"].id).variants_in_stock([(None, str(9000 + n), 1) for n in range(251)])
    assert answers == {str(9000 + n): n % 2 == 1 for n in range(251)}
    assert [len(v["ids"]) for name, v in shopify.calls if name == "VariantsStock"] == [250, 1]


def test_woocommerce_lists_each_products_wanted_variations_once(rt, shops, woo):
    woo.products.update({
        "501": {"id": 501, "parent_id": 500, "manage_stock": True, "stock_quantity": 3, "stock_status": "instock"},
        "502": {"id": 502, "parent_id": 500, "manage_stock": False, "stock_status": "outofstock"},
        "504": {"id": 504, "parent_id": 500, "manage_stock": True, "stock_quantity": 0, "backorders": "notify",
                "stock_status": "onbackorder"},   # takes backorders: sellable
        "599": {"id": 599, "parent_id": 500, "manage_stock": True, "stock_quantity": 0, "stock_status": "outofstock"},
    })
    wants = [("500", "501", 1), ("500", "502", 1), ("500", "503", 1), ("500", "504", 1), (None, "77", 1)]
    assert _gateway(rt, shops["woocommerce"].id).variants_in_stock(wants) == {
        "501": True, "502": False, "503": False, "504": True}   # 503: no longer listed; 77: no product to ask
    listed = [c for c in woo.calls if c[0] == "GET" and "variations" in c[1]]
    assert [c[1] for c in listed] == ["products/500/variations"]
