"""The whole journey in a real browser, as issue 5 asks: a merchant installs returnkit on a new Shopify shop
through OAuth, picks a preset, edits it, tries it; a customer asks for a return with a photo; the merchant
approves it from the review queue, records the inspection, and the refund reaches Shopify (the emulator).

The policy is kaolate with its 30-day window edited to 45 days: the sample order was delivered in May 2026,
so a defective tee is past the window and goes to review (the rule `late-defect-case-by-case`, shown in words; photos required), and
kaolate refunds after the inspection.
"""
from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from integration.db.models import Shop
from tests.browser.live import SHOPIFY_APP_SECRET
from tests.evidence_files import jpeg
from tests.orders.test_picture import STORY

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

DOMAIN = "journey-shop.myshopify.com"
ORDER_ID, ORDER_NUMBER, BUYER = "5550001", "1001", "jane.buyer@example.com"
TEE = "Organic tee"
# The clause quotes the window's length ({windows.return_window.days}): after the form's 30 -> 45, it says 45.
LATE_DEFECT_CLAUSE = "After 45 days, returns or exchanges will not be accepted unless the product is proven"


def _install(live, page, shot) -> int:
    """Step 1: /auth → the emulated Shopify approves → /auth/callback → signed in at /app/; the new shop's id."""
    live.emulators.shopify_app.oauth.shop = DOMAIN
    page.goto(f"/auth?shop={DOMAIN}&policy=blank")
    expect(page).to_have_url(f"{live.url}/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text(DOMAIN)
    expect(page.get_by_text(re.compile(r"Policy My Shop Return Policy, version 1\b"))).to_be_visible()
    shot("1-installed")
    # A new shop starts in shadow mode (it decides, sends nothing); this merchant goes live at once.
    page.get_by_role("button", name="Switch to live").click()
    expect(page.get_by_text(re.compile(r"Live since"))).to_be_visible()
    with live.rt.sessions() as session:
        shop = session.scalar(select(Shop).where(Shop.domain == DOMAIN))
        assert shop.active and shop.api_token == live.emulators.shopify_app.token
        return shop.id


def _choose_and_edit_policy(page, shot) -> None:
    """Step 2: the kaolate preset as the draft, its return window 30 → 45 days in the form, saved as version 2."""
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Policy").click()
    page.get_by_role("navigation", name="Policy").get_by_role("link", name="Presets").click()
    shot("2a-presets")
    page.locator("li.card", has_text="Apparel and custom print").get_by_role("button", name="Start from this one").click()
    expect(page.get_by_text("The kaolate preset is now your draft.")).to_be_visible()
    page.get_by_role("navigation", name="Policy").get_by_role("link", name="Settings form").click()
    length = page.get_by_label("Length of return window")
    expect(length).to_have_value("30")
    length.fill("45")
    shot("2b-form-edited")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("heading", name="Policy versions")).to_be_visible()
    expect(page.get_by_text("Saved as version 2 (from the settings form)")).to_be_visible()
    current = page.get_by_role("row").filter(has=page.locator(".badge", has_text="current"))
    expect(current).to_contain_text("kaolate")
    expect(current.get_by_role("cell").first).to_have_text(re.compile(r"^2\b"))
    shot("2c-version-2")


def _try_it(page, shot) -> None:
    """Step 3: Try it on the shop's order: a defective tee with a photo goes to review, quoting the clause."""
    page.get_by_role("navigation", name="Policy").get_by_role("link", name="Try it").click()
    orders = page.get_by_label("One of your orders")
    orders.select_option(orders.locator("option", has_text=f"#{ORDER_NUMBER} ").get_attribute("value"))
    page.get_by_role("button", name="Use this order").click()
    page.get_by_label("Type").select_option("return")
    page.get_by_label("Reason").select_option("defective")
    page.get_by_label(f"units of {TEE}").fill("1")
    page.get_by_label("Photos", exact=True).fill("1")
    page.get_by_role("button", name="Decide").click()
    result = page.get_by_role("region", name=re.compile("The decision"))
    expect(result.locator(".outcome")).to_have_text("needs review")
    expect(result.get_by_text(re.compile("after 45 days a defective or damaged product is approved case by case", re.I)).first).to_be_visible()
    expect(result.locator("blockquote").first).to_contain_text(LATE_DEFECT_CLAUSE)
    expect(result).to_contain_text("The window closed on 22 Jun 2026")   # 45 days after the tee's delivery
    shot("3-try-it")


def _deliver_the_order(live, shop_id: int) -> None:
    """Step 4, before Try it (which needs the order): Shopify's webhooks for the sample order, signed with the app's secret; the emulator holds it too."""
    shopify = live.emulators.shopify_app
    shopify.state.add_order(ORDER_ID, [("9001", 2, "22.50", "0.655"), ("9002", 1, "60.00", "1.74")], shipping="6.50")
    shopify.state.orders[f"gid://shopify/Order/{ORDER_ID}"]["refunded"] = Decimal("23.15")   # refunds_create
    live.deliver_in_turn("shopify", shop_id, STORY, secret=SHOPIFY_APP_SECRET, X_Shopify_Shop_Domain=DOMAIN)
    live.wait_for_order(shop_id, ORDER_ID)


def _customer_asks(live, browser, shot) -> None:
    """Step 5: the customer, in a browser of their own, returns one defective tee with a photo."""
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 800})
    try:
        customer = context.new_page()
        customer.goto(f"/r/{DOMAIN}")
        customer.get_by_label("Order number").fill(ORDER_NUMBER)
        customer.get_by_label("Email used for the order").fill(BUYER)
        shot("5a-customer-lookup", customer)
        customer.get_by_role("button", name="Find my order").click()
        expect(customer.get_by_role("heading", level=1)).to_have_text(f"Order {ORDER_NUMBER}")
        customer.get_by_role("radio", name="Return it").check()
        customer.get_by_label(TEE).fill("1")
        customer.get_by_label("Why?").select_option(label="It is faulty or stopped working")
        customer.get_by_label("Tell us more (optional)").fill("The print is peeling after one wash.")
        customer.get_by_label(re.compile("^Photos")).set_input_files(
            {"name": "peeling-print.jpg", "mimeType": "image/jpeg", "buffer": jpeg(2000)})
        shot("5b-customer-request", customer)
        customer.get_by_role("button", name="Send my request").click()
        expect(customer.get_by_role("heading", level=1)).to_have_text(re.compile("will look at your request$"))
        expect(customer.get_by_role("status")).to_contain_text("decided by the shop itself")
        shot("5c-customer-answer", customer)
    except AssertionError:
        shot("5-customer-failure", customer)   # the page fixture's failure shot is the merchant's
        raise
    finally:
        context.close()


def _approve(page, shot) -> None:
    """Step 6: the request waits in the review queue with its photo; approve it with a reason and a name."""
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Review").click()
    request = page.get_by_role("region", name=re.compile(rf"order #{ORDER_NUMBER}$"))
    expect(request).to_contain_text("Evidence: 1 photo, no video, a description.")
    expect(request).to_contain_text("The policy: left to your review (After 45 days a defective or damaged product is approved case by case)")
    request.get_by_label("Reason (the customer sees it)").fill("The photo shows a print defect.")
    request.get_by_label("Your name").fill("Robin Merchant")
    shot("6a-review-queue")
    request.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("approved")
    shot("6b-approved")


def _inspect(page, shot) -> str:
    """Step 7: inspect the returned tee, preview the refund, record it; the previewed total."""
    page.get_by_role("link", name=re.compile(r"^Inspect request \d+")).click()
    page.get_by_label(f"1 × {TEE}").select_option("unused")
    page.get_by_role("button", name="Preview the refund").click()
    preview = page.get_by_role("heading", name=re.compile(r"^Preview: approved, refund"))
    expect(preview).to_be_visible()
    total = re.search(r"refund (\d+\.\d\d) USD", preview.inner_text()).group(1)
    page.get_by_label("Inspected by").fill("Robin Merchant")
    shot("7-inspection-preview")
    page.get_by_role("button", name="Record inspection and refund").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Inspection recorded: refund {total} USD")
    return total


def _refund_reaches_shopify(live, page, shot, total: str) -> None:
    """Step 8: the worker settles the return on the emulated Shopify (returnProcess) with that amount, the return
    closes, and Activity shows it done."""
    shopify = live.emulators.shopify_app
    processed = live.wait_until(lambda: dict(shopify.calls).get("ProcessReturn"), 30, f"the refund (see {live.log_path})")
    transfer = processed["input"]["financialTransfer"]["issueRefund"]["orderTransactions"]
    assert transfer[0]["transactionAmount"]["amount"] == total
    assert shopify.state.returns[processed["input"]["returnId"]]["status"] == "CLOSED"
    assert shopify.refunded(ORDER_ID) == Decimal("23.15") + Decimal(total)

    def refund_shown_done():
        page.reload()
        return page.locator(".entry.action", has_text="refund").filter(has_text="succeeded").count() == 1
    live.wait_until(refund_shown_done, 15, "the refund action shown as succeeded")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order #{ORDER_NUMBER}")
    shot("8-activity-refunded")


def test_install_tune_decide_review_inspect_and_refund(live, browser, page, shot):
    started = time.monotonic()
    shop_id = _install(live, page, shot)
    _choose_and_edit_policy(page, shot)
    _deliver_the_order(live, shop_id)
    _try_it(page, shot)
    _customer_asks(live, browser, shot)
    _approve(page, shot)
    total = _inspect(page, shot)
    _refund_reaches_shopify(live, page, shot, total)
    assert time.monotonic() - started < 90
