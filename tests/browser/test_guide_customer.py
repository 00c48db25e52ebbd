"""The merchant guide's customer pages in a real browser, on a phone (issue 19, items 4, 6, 7 and 9): only the units
still returnable, earlier requests with their status, a kept link that opens in another browser, the customer's own
words, the exchange picker, the shop's branding, its public policy, a friendly 404 and French."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from tests.request_helpers import DEFECTIVE_NO_PHOTOS

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

PHONE = {"width": 390, "height": 844}
BUYER, ORDER_ID = "jane.buyer@example.com", "5550001"
SLUG = "guide-customer.myshopify.com"
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="20" fill="#aa3300"/>'
        '<text x="20" y="27" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">K</text></svg>')
LOGO_URL = "https://cdn.example.com/kaolate-studio/logo.svg"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@contextmanager
def customer(browser, live, locale: str = "en-US"):
    """A phone-sized browser of the customer's own (no merchant cookies), the logo's CDN served locally."""
    context = browser.new_context(base_url=live.url, viewport=PHONE, locale=locale)
    context.set_default_timeout(10_000)
    context.route("https://cdn.example.com/**", lambda route: route.fulfill(body=LOGO, content_type="image/svg+xml"))
    try:
        yield context.new_page()
    finally:
        context.close()


def find_order(tab, slug: str, number: str = "1001", email: str = BUYER) -> None:
    """The lookup, as the customer fills it in."""
    tab.goto(f"/r/{slug}")
    tab.get_by_label("Order number").fill(number)
    tab.get_by_label("Email used for the order").fill(email)
    tab.get_by_role("button", name="Find my order").click()


@pytest.fixture(scope="module")
def shop(live) -> int:
    """Kaolate's sample order 1001 (one tee refunded already), with a request on the hoodie that waits for photos."""
    shop_id = live.seed_shopify_shop(SLUG)
    answer = live.ask(shop_id, ORDER_ID, DEFECTIVE_NO_PHOTOS)
    assert answer["decision"]["outcome"] == "needs_evidence"
    return shop_id


def test_the_customer_sees_what_is_left_and_their_earlier_request(live, browser, shop, guide_shot):
    with customer(browser, live) as tab:
        find_order(tab, SLUG)
        expect(tab.get_by_role("heading", level=1)).to_have_text("Order 1001")
        earlier = tab.get_by_role("region", name="Your requests on this order")
        expect(earlier.get_by_role("listitem")).to_have_count(1)
        expect(earlier.get_by_role("listitem")).to_have_text(
            re.compile(r"^Return · [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+: Waiting for your photos or details$"))
        rows = tab.locator("#field-quantities tbody tr")
        expect(rows).to_have_count(1)   # the hoodie is in the request above; one of the two tees was refunded
        expect(rows.get_by_role("cell")).to_have_text([re.compile(r"^Organic tee"), "1", "", ""])
        guide_shot("customer-order", tab)


def test_a_kept_request_link_opens_again_in_another_browser(live, browser, shop, guide_shot):
    with customer(browser, live) as tab:
        find_order(tab, SLUG)
        tab.get_by_role("region", name="Your requests on this order").get_by_role("link").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("We need a little more from you")
        kept = tab.url
        expect(tab.get_by_role("list").filter(has_text="To decide")).to_have_text(
            "To decide, the shop needs photos of the item. Send them below.")
        text = tab.locator("main").inner_text()
        assert "USD" not in text and not ISO_DATE.search(text), text   # no figure before it is granted, no ISO dates
        guide_shot("customer-needs-photos", tab)
    with customer(browser, live) as other:
        other.goto(kept)
        expect(other.get_by_role("status")).to_have_text(
            "To see your request again, enter your order number and the email you ordered with.")
        other.get_by_label("Order number").fill("1001")
        other.get_by_label("Email used for the order").fill(BUYER)
        other.get_by_role("button", name="Find my order").click()
        expect(other).to_have_url(kept)
        expect(other.get_by_role("heading", level=1)).to_have_text("We need a little more from you")


def test_the_customer_picks_a_size_and_a_refusal_says_why_and_whom_to_ask(live, browser, guide_shot):
    slug = "guide-exchange.myshopify.com"
    shop_id = live.seed_shopify_shop(slug)
    live.add_variants(shop_id, ORDER_ID, "9001", [["8003", "TEE-ORG-S", True], ["8004", "TEE-ORG-L", True],
                                                  ["8005", "TEE-ORG-XL", True]],
                      {"8003": "Size: S", "8004": "Size: L", "8005": "Size: XL"})
    for variant, units in (("8003", 12), ("8004", 3), ("8005", 0)):
        live.emulators.shopify.state.set_stock(variant, units)
    with customer(browser, live) as tab:
        find_order(tab, slug)
        tab.get_by_role("radio", name="Exchange it").check()
        tab.get_by_label("Organic tee", exact=True).fill("1")
        picker = tab.get_by_label("Exchange Organic tee for")
        options = picker.locator("option")   # the tee's other sizes in stock: not its own (8001), not the sold-out XL
        expect(options).to_have_text(["Choose a size or colour", "Size: S", "Size: L"])
        assert [o.get_attribute("value") for o in options.all()] == ["", "8003", "8004"]
        picker.select_option("8004")
        tab.get_by_label("Why?").select_option(label="I ordered the wrong size or colour")
        guide_shot("customer-exchange", tab)
        tab.get_by_role("button", name="Send my request").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("We cannot accept this request")
        words = tab.get_by_role("status")
        expect(words).to_contain_text("The reason: requests must be made within 30 days of delivery.")
        expect(words).to_contain_text("contact the shop: it can still look at it.")
        expect(tab.locator("p.contact")).to_have_text("Questions? Reply to your order confirmation email.")
        assert not ISO_DATE.search(tab.locator("main").inner_text())
        guide_shot("customer-denied", tab)


def _brand(page, live, shop_id: int) -> None:
    """The merchant sets the customer page's name, logo, colour and contact address."""
    page.goto(live.login_path(shop_id))
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Customer page").click()
    page.get_by_label("Shop name").fill("Kaolate Studio")
    page.get_by_label("Logo address (https)").fill(LOGO_URL)
    page.get_by_label("Colour").fill("#aa3300")
    page.get_by_label("Where customers write to you").fill("hello@kaolate.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_the_customer_page_wears_the_shops_brand_and_links_its_policy(live, browser, page, shop, guide_shot):
    _brand(page, live, shop)
    guide_shot("settings-customer-page")
    with customer(browser, live) as tab:
        tab.goto(f"/r/{SLUG}")
        header = tab.locator(".brand")
        expect(header).to_have_text("Kaolate Studio")
        assert header.locator("img").evaluate("img => img.complete && img.naturalWidth") == 40
        assert tab.evaluate("getComputedStyle(document.body).getPropertyValue('--accent').trim()") == "#aa3300"
        expect(tab.get_by_role("heading", level=1)).to_have_text("Returns, exchanges and cancellations")
        expect(tab.get_by_text("Find your order to tell Kaolate Studio what you need.")).to_be_visible()
        assert SLUG not in tab.locator("body").inner_text()
        guide_shot("customer-lookup", tab)
        tab.get_by_role("link", name="Our returns policy").click()
        expect(tab).to_have_url(f"{live.url}/r/{SLUG}/policy")
        expect(tab.locator("main")).to_contain_text(
            "Requests for returns or exchanges must be submitted within 30 days of receiving the product.")
        guide_shot("customer-policy", tab)
        response = tab.goto("/r/nobody.myshopify.com")
        assert response.status == 404
        expect(tab.get_by_role("heading", level=1)).to_have_text("We could not find this page")
        guide_shot("customer-404", tab)


def test_a_french_browser_gets_the_page_in_french(live, browser, shop, guide_shot):
    with customer(browser, live, locale="fr-FR") as tab:
        tab.goto(f"/r/{SLUG}")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Retours, échanges et annulations")
        tab.get_by_label("Numéro de commande").fill("1001")
        tab.get_by_label("E-mail utilisé pour la commande").fill(BUYER)
        tab.get_by_role("button", name="Trouver ma commande").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Commande 1001")
        expect(tab.get_by_role("heading", name="Vos demandes pour cette commande")).to_be_visible()
        expect(tab.get_by_text("Que souhaitez-vous que nous fassions ?")).to_be_visible()
        guide_shot("customer-french", tab)
