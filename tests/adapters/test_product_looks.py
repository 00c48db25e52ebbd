"""Variant titles and product pictures read from real product bodies of both platforms: the webhooks, Shopify's
product query (served by the emulator, checked against the real Admin schema) and WooCommerce's variations."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.shopify import parse as shopify_parse
from adapters.shopify.client import client_for as shopify_client
from adapters.shopify.product_looks import variant_title
from adapters.woocommerce.client import client_for as woo_client
from adapters.woocommerce.product_looks import variation_looks, variation_title
from integration.db.models import Shop
from tests.adapters.test_real_payloads import sample
from tests.adapters.test_real_payloads_shopify_parse import parsed as shopify_parsed
from tests.adapters.test_real_payloads_woocommerce import parsed as woo_parsed
from tests.e2e.test_shopify_actions import served_shopify
from tests.inbox.test_sweep import woo  # noqa: F401  (the WooCommerce emulator, the shop pointed at it)

SAMPLES = Path(__file__).parents[1] / "fixtures" / "catalog_samples"
VARIATION_IMAGES = ("https://example.com/wp-content/uploads/2016/10/T_3_front-12.jpg",
                    "https://example.com/wp-content/uploads/2016/10/T_4_front-12.jpg")


def _sample(name: str):
    return json.loads((SAMPLES / name).read_text())


def test_shopifys_documented_product_webhook_gives_each_variant_its_title():
    [product] = shopify_parsed("docs_products_create")
    assert product.looks == (("642667041472713922", "Small", None), ("757650484644203962", "Medium", None))
    assert product.image_url is None   # the sample has `image: null` and `images: []`


def test_a_shopify_product_with_an_image_gives_it_and_the_variants_colours():
    [product] = shopify_parse.parse_product(_sample("shopify_product__ipod_nano.json")["product"])
    assert product.image_url == "http://static.shopify.com/s/files/1/6909/3384/products/ipod-nano.png?0"
    assert product.looks == (("808950810", "Pink", None), ("49148385", "Red", None), ("39072856", "Green", None),
                             ("457924702", "Black", None))


def test_a_variants_own_image_and_named_options_make_its_look():
    body = {**_sample("shopify_product__ipod_nano.json")["product"]}
    body["options"] = [{"name": "Color", "position": 1}, {"name": "Size", "position": 2}]
    body["images"] = [*body["images"], {"id": 99, "position": 2, "src": "https://cdn.shopify.com/red.png"}]
    body["variants"] = [{**body["variants"][1], "option2": "M", "image_id": 99}]
    [product] = shopify_parse.parse_product(body)
    assert product.looks == (("49148385", "Color: Red / Size: M", "https://cdn.shopify.com/red.png"),)


@pytest.mark.parametrize(("options", "title", "shown"), [
    ([("Title", "Default Title")], "Default Title", None),   # a product without options: nothing to choose
    ([("Size", "M"), ("Colour", "Blue")], "M / Blue", "Size: M / Colour: Blue"),
    ([], "Small", "Small"), ([(None, "Pink")], "Pink", "Pink")])
def test_a_variant_is_titled_by_its_options_else_its_title(options, title, shown):
    assert variant_title(options, title) == shown


def test_woocommerces_documented_product_webhook_gives_its_first_image():
    [product] = woo_parsed("docs_product_created__794")
    assert product.image_url == "https://example.com/wp-content/uploads/2017/03/T_2_front-4.jpg"
    assert product.looks == ()   # the webhook lists variations by id only


def test_woocommerces_documented_variations_give_titles_and_images():
    assert variation_looks(_sample("woocommerce_product_variations__22.json")) == (
        ("733", "Color: Green", VARIATION_IMAGES[0]), ("732", "Color: Black", VARIATION_IMAGES[1]))
    # An "any" attribute has no option: it is left out of the title.
    assert variation_title([{"name": "Size", "option": ""}, {"name": "Color", "option": "Red"}]) == "Color: Red"


def _shopify_node() -> dict:
    """The ipod product as Shopify's GraphQL Product (https://shopify.dev/docs/api/admin-graphql/latest/objects/Product)."""
    def image(url):
        return {"preview": {"image": {"url": url}}}
    variants = [{"id": "gid://shopify/ProductVariant/808950810", "sku": "IPOD2008PINK", "title": "Pink",
                 "inventoryItem": {"requiresShipping": True}, "selectedOptions": [{"name": "Color", "value": "Pink"}],
                 "media": {"nodes": [image("https://cdn.shopify.com/pink.png")]}},
                {"id": "gid://shopify/ProductVariant/49148385", "sku": "IPOD2008RED", "title": "Red",
                 "inventoryItem": {"requiresShipping": True}, "selectedOptions": [{"name": "Color", "value": "Red"}],
                 "media": {"nodes": []}}]
    return {"id": "gid://shopify/Product/632910392", "title": "IPod Nano - 8GB", "productType": "Cult Products",
            "tags": ["Music"], "updatedAt": "2011-10-20T18:05:13Z",
            "featuredMedia": image("https://cdn.shopify.com/ipod-nano.png"), "variants": {"nodes": variants}}


@pytest.fixture()
def served(rt, shops):
    """The Shopify emulator, the shop pointed at it (the actions tests' set-up)."""
    with served_shopify(rt, shops["shopify"].id) as emulator:
        yield emulator


def test_the_shopify_product_fetch_reads_the_pictures_and_option_titles(rt, shops, served):
    served.state.products["gid://shopify/Product/632910392"] = _shopify_node()
    with rt.sessions() as session:
        product = shopify_client(session.get(Shop, shops["shopify"].id), 5.0).fetch_product("632910392")
    assert product.image_url == "https://cdn.shopify.com/ipod-nano.png"
    assert product.looks == (("808950810", "Color: Pink", "https://cdn.shopify.com/pink.png"),
                             ("49148385", "Color: Red", None))
    assert product.variants == (("808950810", "IPOD2008PINK", True), ("49148385", "IPOD2008RED", True))


def test_the_woocommerce_product_fetch_reads_its_variations_titles(rt, shops, woo):
    product = {**sample("woocommerce", "docs_product_created__794"), "id": 22, "type": "variable", "variations": [733, 732]}
    woo.products["22"] = product
    for variation in _sample("woocommerce_product_variations__22.json"):
        woo.products[str(variation["id"])] = {**variation, "parent_id": 22}
    with rt.sessions() as session:
        seen = woo_client(session.get(Shop, shops["woocommerce"].id), 5.0).fetch_product("22")
    assert seen.image_url == "https://example.com/wp-content/uploads/2017/03/T_2_front-4.jpg"
    assert seen.looks == (("22", None, seen.image_url), ("733", "Color: Green", VARIATION_IMAGES[0]),
                          ("732", "Color: Black", VARIATION_IMAGES[1]))
    assert [(method, path) for method, path, _body in woo.calls] == [
        ("GET", "products/22"), ("GET", "products/22/variations")]
