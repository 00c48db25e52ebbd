"""Inside Shopify admin in a real browser: returnkit opened with a session token loads App Bridge first, then Polaris,
from Shopify's CDN (served here by a local stand-in, tests/browser/cdn_standin/, since no machine here reaches
Shopify); a saved form's news becomes a toast, an edited form shows the admin's save bar and saving or discarding
hides it, and the admin menu's links open our pages. A sign-in link's session asks nothing of the CDN."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.test_install_shopify import session_token

pytestmark = pytest.mark.proving   # a live service and a browser: `--tier proving`

DOMAIN = "bridge-shop.myshopify.com"
STANDIN = Path(__file__).parent / "cdn_standin"
CDN = "https://cdn.shopify.com/shopifycloud/"


def _serve_cdn(page) -> list[str]:
    """Answer Shopify's CDN from the stand-in files; the URLs asked for, in order."""
    asked: list[str] = []

    def answer(route):
        asked.append(route.request.url)
        name = route.request.url.removeprefix(CDN)
        if name in ("app-bridge.js", "polaris.js"):
            route.fulfill(status=200, content_type="text/javascript", body=(STANDIN / name).read_text())
        else:
            route.fulfill(status=404, body="not in the stand-in")
    page.route("https://cdn.shopify.com/**", answer)
    return asked


def _calls(page) -> list[list[str]]:
    return page.evaluate("window.appBridgeStandin.calls")


def _title_bar(page):
    return page.get_by_role("region", name="Shopify admin title bar")


def _open_from_admin(live, page) -> list[str]:
    """Open /app/ as Shopify admin does (embedded=1, host, a session token); the CDN URLs asked for."""
    live.emulators.shopify_app.oauth.shop = DOMAIN      # the shop the token exchange answers for
    asked = _serve_cdn(page)
    page.goto(f"/app/?shop={DOMAIN}&host=YnJpZGdl&embedded=1&id_token={session_token(shop=DOMAIN)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(DOMAIN)
    return asked


def test_app_bridge_loads_first_and_the_admin_menu_opens_our_pages(live, page, shot):
    asked = _open_from_admin(live, page)
    assert asked == [CDN + "app-bridge.js", CDN + "polaris.js"]
    assert page.evaluate("window.appBridgeStandin.scriptsBefore") == 0          # the first script of the page
    assert page.evaluate("window.appBridgeStandin.apiKey") == "rk-test-client-id"
    assert page.evaluate("window.polarisStandin") is True
    expect(page.locator("html")).to_have_class("in-admin")
    expect(page.locator("header.top")).to_be_hidden()                            # the admin's menu replaces ours
    admin_menu = page.get_by_role("navigation", name="Shopify admin menu")
    header_menu = page.locator("header.top nav a").all_text_contents()
    assert [text.strip() for text in header_menu] == admin_menu.get_by_role("link").all_text_contents()
    expect(_title_bar(page)).to_have_text("Home")
    assert _calls(page)[-1] == ["titleBar", "Home"]
    shot("home-in-admin")
    admin_menu.get_by_role("link", name="Review").click()
    expect(page).to_have_url(f"{live.url}/app/review/")
    expect(_title_bar(page)).to_have_text("Review")
    assert _calls(page)[-1] == ["titleBar", "Review"]
    page.get_by_role("navigation", name="Shopify admin menu").get_by_role("link", name="Policy").click()
    expect(page).to_have_url(f"{live.url}/app/policy/")
    expect(_title_bar(page)).to_have_text("Policy")
    assert _calls(page)[-1] == ["titleBar", "Policy"]


def test_an_edited_form_shows_the_save_bar_and_a_saved_one_a_toast(live, page, shot):
    _open_from_admin(live, page)
    page.goto("/app/policy/form")
    expect(_title_bar(page)).to_have_text("Policy settings")
    save_bar = page.get_by_role("region", name="Shopify admin save bar")
    length = page.get_by_label("Length of return window")
    expect(length).to_have_value("30")
    length.fill("31")
    expect(save_bar).to_be_visible()
    assert _calls(page)[-1] == ["saveBar.show", "save-bar-policy-form"]
    shot("save-bar")
    save_bar.get_by_role("button", name="Discard").click()
    expect(length).to_have_value("30")
    expect(save_bar).to_be_hidden()
    assert _calls(page)[-1] == ["saveBar.hide", "save-bar-policy-form"]

    length.fill("31")
    expect(save_bar).to_be_visible()
    with page.expect_navigation():
        save_bar.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Length of return window")).to_have_value("31")      # kept as the draft
    toasts = page.get_by_role("region", name="Shopify admin toasts")
    expect(toasts).to_have_text("Kept as your draft. Try it, or save it as a new version.")
    expect(_title_bar(page)).to_have_text("Policy settings")
    expect(page.locator("p.flash.success")).to_be_hidden()                        # the toast, not the inline note
    names = [name for name, _arg in _calls(page)]
    assert names[-4:] == ["saveBar.show", "saveBar.hide", "toast.show", "titleBar"]
    assert _calls(page)[-2] == ["toast.show", "Kept as your draft. Try it, or save it as a new version."]
    shot("toast")


def test_a_sign_in_link_session_asks_nothing_of_shopifys_cdn(live, page, shot):
    shop_id = live.add_shopify_shop("standalone-bridge.myshopify.com")
    asked = _serve_cdn(page)
    page.goto(live.login_path(shop_id))
    expect(page.get_by_role("heading", level=1)).to_have_text("standalone-bridge.myshopify.com")
    expect(page.locator("header.top")).to_be_visible()
    assert asked == [] and page.locator("ui-nav-menu, ui-title-bar, s-page").count() == 0
    assert page.evaluate("typeof window.shopify") == "undefined"
    shot("standalone")
