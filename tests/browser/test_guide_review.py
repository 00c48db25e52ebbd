"""The merchant guide's review pages in a real browser (issue 19, items 3, 5, 7 and 8): the queue split by who acts
next with its filters, approving with a chosen resolution (a partial refund), the order page's summary, and the
inspection preview that names each fee with its rule and clause before anything is recorded."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.request_helpers import DEFECTIVE_NO_PHOTOS, UNLISTED_REASON

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

ORDER_ID = "5550001"
DAMAGED_NO_PHOTOS = {**DEFECTIVE_NO_PHOTOS, "reason": "damaged_in_transit"}
TO_TOP = "element => element.scrollIntoView({block: 'start'})"   # the guide's image starts at this element
CHANGE_OF_MIND = {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "changed_mind",
                  "items": [{"line_item_id": "9001", "quantity": 2}]}


def _ask(live, shop_id: int, request: dict, outcome: str) -> int:
    """A request through the live API, as the storefront sends it; its id, once decided as expected."""
    answer = live.ask(shop_id, ORDER_ID, request)
    assert answer["decision"]["outcome"] == outcome, answer["decision"]["explanation"]
    return answer["request_id"]


def _review(page, live, shop_id: int) -> None:
    page.goto(live.login_path(shop_id))
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")


def test_the_queue_splits_who_acts_next_and_filters(live, page, guide_shot):
    shop_id = live.seed_shopify_shop("guide-queue.myshopify.com")
    review = _ask(live, shop_id, UNLISTED_REASON, "needs_review")
    waiting = _ask(live, shop_id, DAMAGED_NO_PHOTOS, "needs_evidence")
    _review(page, live, shop_id)
    expect(page.get_by_role("heading", name="Waiting for you (1)")).to_be_visible()
    mine = page.get_by_role("region", name=re.compile(rf"^Request {review} · order #1001$"))
    expect(mine).to_contain_text("Other reason")
    expect(mine).to_contain_text("Organic tee × 2")
    expect(page.get_by_role("heading", name="Waiting for the customer (1)")).to_be_visible()
    row = page.locator(f"#waiting-customer-{waiting}")
    expect(row).to_contain_text("Damaged in transit")
    expect(row).to_contain_text("Custom embroidered hoodie × 1")
    expect(row.get_by_role("cell").last).to_have_text("photos")
    page.locator("#waiting").evaluate(TO_TOP)
    guide_shot("review-queue")

    page.get_by_label("Reason", exact=True).select_option(label="Damaged in transit")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No request waiting for your decision matches these filters.")).to_be_visible()
    expect(page.locator(f"#waiting-customer-{waiting}")).to_be_visible()
    expect(page.get_by_role("link", name="Show all")).to_be_visible()
    guide_shot("review-filtered")


def test_the_merchant_approves_a_partial_refund_and_the_order_page_sums_it_up(live, page, guide_shot):
    shop_id = live.seed_shopify_shop("guide-approve.myshopify.com", "kinectr")
    case_id = _ask(live, shop_id, UNLISTED_REASON, "needs_review")
    _review(page, live, shop_id)
    card = page.get_by_role("region", name=re.compile(rf"^Request {case_id} · "))
    choice = card.get_by_label("If approved, the customer gets")
    expect(choice.locator("option:checked")).to_have_text("Replacement (the policy's choice)")
    labels = choice.locator("option").all_inner_texts()
    assert "Partial refund (give an amount)" in labels and "Refund, and the customer keeps the item" in labels
    choice.select_option(label="Partial refund (give an amount)")
    card.get_by_label(re.compile(r"^Partial refund amount \(USD, at most 22\.50 USD")).fill("12.00")
    card.get_by_label("Reason (the customer sees it)").fill("Loose stitching on one tee; keep it with our apologies.")
    card.get_by_label("Your name").fill("Robin")
    card.evaluate(TO_TOP)
    guide_shot("review-approve")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("approved")

    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Activity").click()
    page.get_by_role("link", name=re.compile(r"#1001")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Order #1001")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Organic tee × 2 · 22.50 USD each")
    expect(summary).to_contain_text("Custom embroidered hoodie × 1 · 60.00 USD each")
    expect(summary.locator(f"#summary-request-{case_id}")).to_contain_text(f"Request {case_id}: ")

    def refund_done():
        page.reload()
        return page.locator(".entry.action", has_text="refund").filter(has_text="succeeded").count() == 1
    live.wait_until(refund_done, 30, f"the 12.00 USD refund sent to Shopify (see {live.log_path})")
    decided = page.locator(".entry.decision").filter(has_text="Resolution: a partial refund of 12.00 USD")
    expect(decided).to_have_count(1)
    guide_shot("order-page")


def test_the_inspection_preview_names_the_fee_its_rule_and_its_clause(live, page, guide_shot):
    shop_id = live.seed_shopify_shop("guide-inspect.myshopify.com", "motion-hardware")
    case_id = _ask(live, shop_id, CHANGE_OF_MIND, "approved")
    _review(page, live, shop_id)
    page.get_by_role("link", name=f"Inspect request {case_id}").click()
    page.get_by_label("2 × Organic tee").select_option("used")
    page.get_by_role("button", name="Preview the refund").click()
    expect(page.get_by_role("heading", name="Preview: approved, refund 2.91 USD")).to_be_visible()
    changes = page.get_by_role("status").filter(has_text="Recording this changes the terms:")
    expect(changes).to_contain_text("The refund goes from 23.16 to 2.91 USD (fees 0.00 → 20.25).")
    fee = page.locator("p.fee").first
    expect(fee).to_contain_text("20.25 USD (up to 90 % of the item price), charged under “You may return it at your own cost")
    expect(fee).to_contain_text("the policy says: For other situations like you changed your mind")
    page.get_by_label("Inspected by").fill("Robin")
    page.locator("#preview-title").evaluate(TO_TOP)
    guide_shot("inspection-preview")
