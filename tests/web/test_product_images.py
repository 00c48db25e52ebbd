"""Variant titles and product pictures from the catalog on the customer's page and the merchant's order page
(issue 19): the exchange picker by title with the customer's own variant marked, pictures beside the units and the
earlier requests, item pictures on the order summary, and never a picture that is not https."""
import re

import pytest
from sqlalchemy import select

from integration.db.order_models import Order, Product
from integration.web.limits import limiter
from tests.orders.test_picture import STORY, replay
from tests.web.test_customer_experience import PAGE, _ask
from tests.web.test_customer_pages import _find
from tests.web.test_order_summary import _summary
from tests.web_helpers import sign_in

TEE, TEE_M, TEE_L = "https://cdn.example.com/tee.png", "https://cdn.example.com/tee-m.png", "https://cdn.example.com/l.png"
IMG = 'width="{size}" height="{size}" loading="lazy" referrerpolicy="no-referrer">'


def _dress_the_tee(rt, looks: dict, image=TEE, extra=(["8003", "TEE-ORG-L", True], ["8004", "TEE-ORG-XL", True])):
    """The tee as the catalog would hold it after the product webhook: more sizes, titles and pictures."""
    with rt.sessions() as session:
        tee = session.scalar(select(Product).where(Product.product_id == "7001"))
        tee.variants, tee.image_url, tee.looks = [*tee.variants, *extra], image, looks
        session.commit()


@pytest.fixture()
def customer(client, rt, queue, shops, monkeypatch):
    replay(client, rt, queue, "shopify", STORY)
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    monkeypatch.setattr("integration.web.customer_pages.platform_stock", lambda *_: lambda variant, units: None)
    limiter.reset()
    _find(client)
    return client


def _row(page: str, line: str) -> str:
    return re.search(rf'<tr><td class="item">(?:(?!</tr>).)*qty-{line}(?:(?!</tr>).)*</tr>', page, re.S)[0]


def test_the_exchange_picker_lists_the_other_variants_by_title_and_marks_the_customers(customer, rt):
    _dress_the_tee(rt, {"8001": ["Size: M", TEE_M], "8003": ["Size: L", TEE_L], "8004": ["Size: XL", None]})
    page = customer.get(f"{PAGE}/new").data.decode()
    picker = re.search(r'<select id="exchange-9001".*?</select>', page, re.S)[0]
    assert re.findall(r'<option value="(\d+)" >([^<]+)</option>', picker) == [("8003", "Size: L"), ("8004", "Size: XL")]
    assert "TEE-ORG" not in picker and "8001" not in picker
    row = _row(page, "9001")
    assert "You have: Size: M" in row
    # The customer's own item: its variant's picture, alt text the product's title.
    assert f'<img class="thumb" src="{TEE_M}" alt="Organic tee" {IMG.format(size=48)}' in row
    # Beside the picker, the sizes that have a picture of their own, each captioned by its title.
    looks = re.search(r'<ul class="exchange-looks">.*?</ul>', row, re.S)[0]
    assert re.findall(r'src="([^"]+)"', looks) == [TEE_L] and "<figcaption>Size: L</figcaption>" in looks
    assert IMG.format(size=64) in looks


def test_rows_from_before_titles_keep_their_skus(customer, rt):
    _dress_the_tee(rt, None, image=None)
    page = customer.get(f"{PAGE}/new").data.decode()
    picker = re.search(r'<select id="exchange-9001".*?</select>', page, re.S)[0]
    assert re.findall(r'<option value="(\d+)" >([^<]+)</option>', picker) == [("8003", "TEE-ORG-L"), ("8004", "TEE-ORG-XL")]
    assert "<img" not in _row(page, "9001") and "You have" not in _row(page, "9001")


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "http://cdn.example.com/m.png",
                                 'https://cdn.example.com/x.png" onerror="alert(1)', "//cdn.example.com/m.png"])
def test_a_picture_that_is_not_plain_https_is_never_shown(customer, rt, bad):
    _dress_the_tee(rt, {"8001": ["Size: M", bad], "8003": ["Size: L", bad]}, image=bad)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert "<img" not in _row(page, "9001") and 'class="exchange-looks"' not in page
    assert "javascript:" not in page and "data:image" not in page and "onerror" not in page
    assert "cdn.example.com" not in page


def test_the_customers_earlier_requests_show_the_items_picture(customer, rt):
    _dress_the_tee(rt, {"8001": ["Size: M", TEE_M]})
    assert _ask(customer, type="return", reason="changed_mind", **{"qty-9001": "1"}).status_code == 302
    page = customer.get(f"{PAGE}/new").data.decode()
    earlier = re.search(r'<section aria-labelledby="earlier-heading".*?</section>', page, re.S)[0]
    assert f'<li><img class="thumb" src="{TEE_M}" alt="Organic tee" {IMG.format(size=40)}<a href=' in earlier


@pytest.fixture()
def order_page(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    sign_in(client, shops["shopify"].id)
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shops["shopify"].id))
    return lambda: _summary(client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True))


def test_the_order_summary_shows_each_items_picture(order_page, rt):
    _dress_the_tee(rt, {"8001": ["Size: M", TEE_M]})
    summary = order_page()
    assert f'<img class="thumb" src="{TEE_M}" alt="Organic tee" {IMG.format(size=48)}' in summary
    assert 'aria-label="No picture of Custom embroidered hoodie"' in summary   # the hoodie has none


def test_the_order_summary_never_shows_a_picture_that_is_not_https(order_page, rt):
    _dress_the_tee(rt, {"8001": ["Size: M", "javascript:alert(1)"]}, image="http://cdn.example.com/tee.png")
    summary = order_page()
    assert "<img" not in summary and "javascript:" not in summary and "cdn.example.com" not in summary
    assert 'aria-label="No picture of Organic tee"' in summary
