"""The order page's summary above its timeline: customer, items, dates in the shop's zone, money, requests."""
import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.order_models import Order
from tests.request_helpers import DEFECTIVE_NO_PHOTOS, UNLISTED_REASON, shopify_story, submit
from tests.web_helpers import sign_in


@pytest.fixture()
def order_page(client, rt, queue, shops):
    """The Shopify order #1001 (placed, shipped, delivered, part refunded) and a way to read its page."""
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    with rt.sessions() as session:
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shops["shopify"].id))
    return order_pk, lambda: client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)


def _summary(page: str) -> str:
    start, end = page.index('aria-labelledby="summary-title"'), page.index('<h2 id="timeline">')
    return page[start:end]


def test_the_summary_comes_before_the_timeline_with_dates_in_the_shops_zone(order_page):
    _, page = order_page
    text = page()
    summary = _summary(text)
    # placed 10:15 on 1 May (-06:00); delivered 17:30 UTC on 10 May: both the same day in Denver
    assert "<dt>Placed</dt><dd>1 May 2026</dd>" in summary and "<dt>Shipped</dt><dd>4 May 2026</dd>" in summary
    assert "<dt>Delivered</dt><dd>10 May 2026</dd>" in summary
    assert "<dt>Customer</dt><dd>j•••@example.com</dd>" in summary and "jane.buyer@example.com" not in text
    assert text.index("summary-title") < text.index('<ol class="timeline">')


def test_items_money_and_a_placeholder_for_a_product_without_a_picture(order_page, rt):
    order_pk, page = order_page
    with rt.sessions() as session:
        order = session.get(Order, order_pk)
        paid = order.amount_paid if order.amount_paid is not None else order.total_price
        refunded = order.refunded_total
    summary = _summary(page())
    assert "Organic tee × 2 · 22.50 USD each" in summary and "Custom embroidered hoodie × 1" in summary
    assert 'aria-label="No picture of Organic tee"' in summary and "<img" not in summary
    assert f"<dt>Paid</dt><dd>{paid:.2f} USD</dd>" in summary
    assert f"<dt>Refunded</dt><dd>{refunded:.2f} USD</dd>" in summary
    assert refunded > 0


def test_requests_are_listed_with_where_each_stands(order_page, rt, shops):
    _, page = order_page
    assert "Requests (0 open)" in page() and "No requests on this order." in page()
    review = submit(rt, shops["shopify"].id, UNLISTED_REASON, "s-review")
    evidence = submit(rt, shops["shopify"].id, {**DEFECTIVE_NO_PHOTOS, "reason": "damaged_in_transit"}, "s-ev")
    summary = _summary(page())
    assert "Requests (2 open)" in summary
    assert (f'<a href="#request-{review}">Request {review}</a>: Return: Other reason — Organic tee × 2 — '
            "<strong>waiting for your decision</strong>") in summary
    assert ("Return: Damaged in transit — Custom embroidered hoodie × 1 — "
            "<strong>waiting for the customer&#39;s evidence</strong>") in summary
    assert f'id="request-{evidence}"' in page()   # the link's target, in the timeline


def test_an_order_not_shipped_yet_says_so(order_page, rt):
    order_pk, page = order_page
    with transaction(rt.sessions) as session:
        order = session.get(Order, order_pk)
        order.shipped_at = order.delivered_at = None
        for line in order.lines:
            line.delivered_at = None
    summary = _summary(page())
    assert "<dt>Shipped</dt><dd>not yet</dd>" in summary and "<dt>Delivered</dt><dd>not yet</dd>" in summary
