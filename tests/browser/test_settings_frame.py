"""The settings page's frame in a real browser: sign in by link, the shop's home, the keyboard, sign out, a phone."""
import re

import pytest

from tests.webhook_helpers import SHOPIFY_DOMAIN

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

PHONE = {"width": 390, "height": 844}


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, text: (e.innerText || e.value || '').trim(), inNav: !!e.closest('nav')}; }""")


def _tab_to(page, wanted, limit: int = 30) -> dict:
    """Press Tab until the focused element is the one `wanted` picks; fail when it is never reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
        seen.append(focused["text"])
    raise AssertionError(f"not reachable with Tab; focus went through {seen}")


def test_sign_in_by_link_shows_the_shops_home(live, page, shot, seeded_shop):
    page.goto(live.login_path(seeded_shop))
    assert page.url == f"{live.url}/app/"
    assert page.locator("h1").inner_text() == SHOPIFY_DOMAIN
    assert re.search(r"Policy Kaolate Returns and Refund Policy, version 1\b", page.locator("main p").first.inner_text())
    assert page.locator("nav[aria-label=Settings] a[aria-current=page]").inner_text() == "Home"
    shot("home")


def test_the_keyboard_reaches_the_menu_and_signs_out(live, page, shot, seeded_shop):
    page.goto(live.login_path(seeded_shop))
    skip = _tab_to(page, lambda f: f["tag"] == "A")
    assert skip["text"] == "Skip to content"
    link = _tab_to(page, lambda f: f["inNav"])
    assert link["text"] == "Home"
    shot("menu-focused")
    with page.expect_navigation():      # Home is this very page: wait for the reload, not for the URL
        page.keyboard.press("Enter")
    assert page.url == f"{live.url}/app/"
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Sign out")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live.url}/app/signed-out"
    shot("signed-out")
    page.goto("/app/")
    assert page.url == f"{live.url}/app/signed-out"    # the session is gone, not only the page


def test_a_phone_renders_the_home_without_horizontal_scrolling(live, browser, shot, seeded_shop):
    context = browser.new_context(base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(live.login_path(seeded_shop))
        assert phone.locator("h1").inner_text() == SHOPIFY_DOMAIN
        # against the device width: a mobile browser widens its layout viewport to fit content that overflows
        wide = phone.evaluate("""() => [document.documentElement.scrollWidth,
            ...[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > %d
                                    || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth))
               .map(e => e.tagName + ': ' + (e.innerText || '').slice(0, 40))]""" % PHONE["width"])
        assert wide[0] <= PHONE["width"] and not wide[1:], f"wider than the {PHONE['width']} px screen: {wide}"
        shot("phone-home", phone)
    finally:
        context.close()
