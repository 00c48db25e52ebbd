"""The customer page's exchange option: another variant of the line's product, from the catalogue we store; the
pick becomes the request item's `exchange_for`, its stock read from Shopify when the request is decided."""
import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.order_models import Product
from integration.db.request_models import ReturnCase
from integration.web.limits import limiter
from tests.e2e.test_shopify_actions import shopify  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY, replay
from tests.web.test_customer_pages import PAGE, _ask, _find


@pytest.fixture()
def customer(client, rt, queue, shops, shopify):
    replay(client, rt, queue, "shopify", STORY)
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    limiter.reset()
    with transaction(rt.sessions) as session:   # the tee also comes in L
        tee = session.scalar(select(Product).where(Product.product_id == "7001"))
        tee.variants = [*tee.variants, ["8003", "TEE-ORG-L", True]]
    shopify.state.set_stock("8003", 4)
    _find(client)
    return client


def test_the_form_offers_the_other_sizes_of_each_line_s_product(customer):
    page = customer.get(f"{PAGE}/new").data.decode()
    assert 'name="exchange-9001"' in page and '<option value="8003" >TEE-ORG-L</option>' in page
    assert 'name="exchange-9002"' not in page          # the hoodie comes in one size only


def test_the_pick_is_the_item_s_exchange_for_with_its_stock_from_the_platform(customer, rt, shopify):
    response = _ask(customer, type="exchange", reason="ordered_wrong_variant", **{"qty-9001": "1",
                                                                                  "exchange-9001": "8003"})
    assert response.status_code == 302, response.data
    with rt.sessions() as session:
        [case] = session.scalars(select(ReturnCase)).all()
        item = case.request["items"][0]
        assert (item["exchange_for"], item["exchange_in_stock"]) == ({"variant_id": "8003"}, True)
    # Asked twice: by the form, every choice in one question, to offer only sizes in stock
    # (integration/web/customer_exchange.py), then the one picked at decision.
    asked = [(name, v) for name, v in shopify.calls if name in ("VariantsStock", "VariantStock")]
    assert asked == [("VariantsStock", {"ids": ["gid://shopify/ProductVariant/8003"]}),
                     ("VariantStock", {"id": "gid://shopify/ProductVariant/8003"})]


def test_a_variant_not_offered_is_refused_naming_the_choice(customer, rt):
    response = _ask(customer, type="exchange", reason="ordered_wrong_variant", **{"qty-9001": "1",
                                                                                  "exchange-9001": "9999"})
    assert response.status_code == 422 and b"choose the size or colour you want from the list" in response.data
    with rt.sessions() as session:
        assert session.scalars(select(ReturnCase)).all() == []


def test_a_size_the_platform_has_none_of_is_not_offered(customer, shopify):
    shopify.state.set_stock("8003", 0)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert 'value="8003"' not in page and 'name="exchange-9001"' not in page   # no other size left to pick
