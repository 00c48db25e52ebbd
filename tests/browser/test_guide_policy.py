"""The merchant guide's policy section in a real browser (issue 19, item 1): the return window changed in the form,
and the published clause says the new number, never the old one; Try it decides with it and quotes it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

DOMAIN = "guide-policy.myshopify.com"
CLAUSE_45 = "Requests for returns or exchanges must be submitted within 45 days of receiving the product."


def test_the_clause_follows_the_window_changed_in_the_form(live, page, guide_shot):
    shop_id = live.seed_shopify_shop(DOMAIN, "kaolate")
    page.goto(live.login_path(shop_id))
    page.goto("/app/policy/form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Policy settings")
    length = page.get_by_label("Length of return window")
    expect(length).to_have_value("30")
    length.fill("45")
    guide_shot("policy-form")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2 (from the settings form)")).to_be_visible()

    page.get_by_role("navigation", name="Policy").get_by_role("link", name="Published text").click()
    published = page.locator("article.published")
    expect(published).to_contain_text(CLAUSE_45)
    expect(published).to_contain_text("The 45-day period starts from the day the order status is marked")
    assert not re.search(r"\b30[ -]day", published.inner_text()), "the old window is still quoted"
    published.get_by_text(CLAUSE_45).first.scroll_into_view_if_needed()
    guide_shot("policy-text")

    page.get_by_role("navigation", name="Policy").get_by_role("link", name="Try it").click()
    orders = page.get_by_label("One of your orders")
    orders.select_option(orders.locator("option", has_text="#1001 ").get_attribute("value"))
    page.get_by_role("button", name="Use this order").click()
    page.get_by_label("Type").select_option("return")
    page.get_by_label("Reason").select_option("defective")
    page.get_by_label("units of Organic tee").fill("1")
    page.get_by_label("Photos", exact=True).fill("1")
    page.get_by_role("button", name="Decide").click()
    result = page.get_by_role("region", name=re.compile("The decision"))
    expect(result.locator(".outcome")).to_have_text("needs review")   # delivered in May: past the 45 days
    expect(result.locator("blockquote").first).to_contain_text("After 45 days, returns or exchanges will not be")
    result.evaluate("element => element.scrollIntoView({block: 'start'})")
    guide_shot("try-it")
