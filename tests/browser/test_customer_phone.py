"""The customer's request form on a 390 px phone (issue 19): each item a card, the exchange picker and its pictures
inside the screen, nothing overlapping "Send my request", no sideways scrolling, and a footer lined up with the page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.order_models import Order, Product
from tests.browser.test_guide_customer import ORDER_ID, find_order

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

WIDTH = 390
SLUG = "phone-customer.myshopify.com"
TILE = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" '
        'fill="#2d6a4f"/></svg>')
SIZES = {"8003": "Size: S", "8004": "Size: L", "8006": "Size: XXL Relaxed Fit, Organic Cotton, Forest Green"}


@pytest.fixture(scope="module")
def shop(live) -> int:
    """Kaolate's sample order 1001 whose tee comes in three more sizes in stock, each with its picture."""
    shop_id = live.seed_shopify_shop(SLUG)
    live.add_variants(shop_id, ORDER_ID, "9001", [[v, f"TEE-{v}", True] for v in SIZES], SIZES)
    with transaction(live.rt.sessions) as session:
        order = session.scalar(select(Order).where(Order.shop_id == shop_id, Order.order_id == ORDER_ID))
        tee = next(line for line in order.lines if line.line_id == "9001")
        product = session.scalar(select(Product).where(Product.shop_id == shop_id,
                                                       Product.product_id == tee.product_id))
        product.looks = {v: [title, f"https://cdn.example.com/tee-{v}.svg"] for v, title in SIZES.items()}
    for variant in SIZES:
        live.emulators.shopify.state.set_stock(variant, 5)
    return shop_id


@pytest.fixture()
def phone(browser, live):
    """A phone of the customer's own: 390 x 844, touch, the pictures' CDN served locally."""
    context = browser.new_context(base_url=live.url, viewport={"width": WIDTH, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=3)
    context.set_default_timeout(10_000)
    context.route("https://cdn.example.com/**", lambda route: route.fulfill(body=TILE, content_type="image/svg+xml"))
    yield context.new_page()
    context.close()


def _scroll_width(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


def _inside_the_screen(locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box


def test_the_exchange_form_fits_a_phone_and_sends(live, shop, phone, shot):
    find_order(phone, SLUG)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Order 1001")
    phone.get_by_role("radio", name="Exchange it").tap()
    phone.get_by_label("Organic tee", exact=True).fill("1")
    picker = phone.get_by_label("Exchange Organic tee for")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_text(["Choose a size or colour", *SIZES.values()])
    picker.select_option("8006")
    phone.get_by_label("Why?").select_option(label="I ordered the wrong size or colour")
    phone.get_by_label("Tell us more (optional)").fill("The fit is too snug.")
    assert _scroll_width(phone) <= WIDTH
    _inside_the_screen(picker)
    for picture in phone.locator(".exchange-looks img").all():
        _inside_the_screen(picture)
    send = phone.get_by_role("button", name="Send my request")
    _inside_the_screen(send)
    words, button = phone.get_by_label("Tell us more (optional)").bounding_box(), send.bounding_box()
    assert words["y"] + words["height"] <= button["y"], (words, button)   # the text box ends above the button
    shot("form", phone)
    send.tap()   # a tap lands on the button itself: nothing covers it
    expect(phone.get_by_role("heading", level=1)).to_have_text("We cannot accept this request")
    assert _scroll_width(phone) <= WIDTH
    shot("answer", phone)


def test_the_footer_link_lines_up_with_the_page(live, shop, phone, shot):
    phone.goto(f"/r/{SLUG}")
    link = phone.get_by_role("link", name="Our returns policy")
    expect(link).to_be_visible()
    heading = phone.get_by_role("heading", level=1).bounding_box()
    assert link.bounding_box()["x"] == heading["x"] == 16   # 1rem in from the edge, as the page's own text
    assert _scroll_width(phone) <= WIDTH
    shot("lookup", phone)
