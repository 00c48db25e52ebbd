"""Inside Shopify admin, look like Shopify admin: a session opened from the admin (a verified session token) loads
App Bridge and Polaris from Shopify's CDN first, with the admin's menu, title bar and toasts; a sign-in link, an OAuth
callback, a WooCommerce shop and a deployment without a Shopify app stay standalone, with no App Bridge at all."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import url_for
from sqlalchemy import select

from integration.app import create_app
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.policy.loader import resolve_policy_path
from integration.shops.core import add_shop
from tests.web.test_install_shopify import API_KEY, DOMAIN, callback, session_token, start
from tests.web.test_install_shopify import emulator, irt, web  # noqa: F401  (fixtures)
from tests.web_helpers import csrf_from, sign_in
from tests.webhook_helpers import SECRET, WOO_URL

APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
POLARIS = "https://cdn.shopify.com/shopifycloud/polaris.js"
class Page(HTMLParser):
    """What these tests look at in a rendered page: the head's tags in order, App Bridge's and Polaris's elements, the
    admin menu's links (href, label, rel)."""

    def __init__(self, html: bytes):
        super().__init__()
        self.raw, self.head, self.elements, self._where = html, [], {}, None
        text = html.decode()
        self.feed(text)
        menu = re.search(r"<ui-nav-menu>(.*?)</ui-nav-menu>", text, re.S)
        self.nav_links = [(href, label, rel or None) for href, rel, label in
                          re.findall(r'<a href="([^"]+)"(?: rel="(\w+)")?>([^<]+)</a>', menu.group(1))] if menu else []

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "body"):
            self._where = tag
        elif self._where == "head":
            self.head.append((tag, dict(attrs)))
        if tag.startswith(("ui-", "s-")):
            self.elements.setdefault(tag, []).append(dict(attrs))

    @property
    def scripts(self) -> list[str]:
        return [attrs.get("src") for tag, attrs in self.head if tag == "script"]


def parse(response) -> Page:
    assert response.status_code == 200, response.data
    return Page(response.data)


def _embedded(client):
    """Open returnkit as Shopify admin does: in its frame, with a session token."""
    response = client.get(f"/app/?shop={DOMAIN}&host=aG9zdA&embedded=1&id_token={session_token()}")
    assert response.status_code == 200, response.data
    return response


def _standalone(page: Page) -> None:
    """Our own page: no CDN script, no api-key meta, no App Bridge or Polaris element; the header menu."""
    assert page.scripts == [] and APP_BRIDGE.encode() not in page.raw and POLARIS.encode() not in page.raw
    assert b"shopify-api-key" not in page.raw and b"embedded.css" not in page.raw
    assert page.elements == {} and page.nav_links == []
    assert b'<nav aria-label="Settings">' in page.raw


def test_from_shopify_admin_app_bridge_loads_first_with_menu_and_title_bar(web, emulator):  # noqa: F811  (fixtures)
    page = parse(_embedded(web))
    assert page.head[1] == ("meta", {"name": "shopify-api-key", "content": API_KEY})
    assert page.scripts[:2] == [APP_BRIDGE, POLARIS] and page.scripts[2] == "/app/static/app_bridge.js"
    app_bridge = next(attrs for tag, attrs in page.head if tag == "script")
    assert "async" not in app_bridge and "defer" not in app_bridge and "type" not in app_bridge
    with web.application.test_request_context():
        nav_items = web.application.jinja_env.globals["nav_items"]
        header_menu = [(url_for(endpoint), label) for endpoint, label in nav_items()]
    assert page.nav_links[0] == ("/app/", "Home", "home") and ("/app/policy/", "Policy", None) in page.nav_links
    assert [(href, label) for href, label, _rel in page.nav_links] == header_menu     # the same pages as our header
    assert page.elements["ui-title-bar"] == [{"title": "Home"}]
    assert page.elements["s-page"] == [{"inline-size": "large"}]
    assert b'<nav aria-label="Settings">' in page.raw      # the accessible header stays, for a page without JS


def test_the_session_stays_embedded_on_the_next_pages_with_their_titles(web, emulator):  # noqa: F811  (fixtures)
    _embedded(web)
    form = parse(web.get("/app/policy/form"))
    assert form.scripts[:2] == [APP_BRIDGE, POLARIS]
    assert form.elements["ui-title-bar"] == [{"title": "Policy settings"}]
    assert parse(web.get("/app/review/")).elements["ui-title-bar"] == [{"title": "Review"}]


def test_a_saved_policy_form_becomes_a_toast_and_marks_its_save_bar(web, emulator):  # noqa: F811  (fixtures)
    _embedded(web)
    form = web.get("/app/policy/form")
    assert b'data-unsaved-bar="policy-form"' in form.data
    assert b'value="draft" data-save-bar-submit>Keep as draft' in form.data
    saved = web.post("/app/policy/form", data={"csrf_token": csrf_from(form.data), "action": "draft"},
                     follow_redirects=True)
    assert saved.status_code == 200
    assert (b'<p class="flash success" role="status" data-toast>Kept as your draft. Try it, or save it as a new '
            b'version.</p>') in saved.data


def _forms(html: str) -> list[tuple[str, list[str]]]:
    """Each form's opening tag, and its submit buttons up to their text."""
    return [(form.group(1), [b.strip() for b in re.findall(r'<button[^>]*type="submit"[^>]*>[^<]*', form.group(2))])
            for form in re.finditer(r"(<form[^>]*>)(.*?)</form>", html, re.S)]


@pytest.mark.parametrize("path, bar", [("/app/returns/", "returns"), ("/app/notifications/", "notify-texts"),
                                       ("/app/customer-page/", "customer-page"), ("/app/embedding/", "embedding")])
def test_the_other_settings_forms_mark_their_save_bar_and_its_button(web, emulator, path, bar):  # noqa: F811
    _embedded(web)
    page = web.get(path)
    assert page.status_code == 200
    marked = [(tag, buttons) for tag, buttons in _forms(page.get_data(as_text=True)) if "data-unsaved-bar" in tag]
    assert len(marked) == 1 and f'data-unsaved-bar="{bar}"' in marked[0][0]
    buttons = marked[0][1]   # the save bar presses the marked one; a form with one button needs no mark
    pressed = [b for b in buttons if "data-save-bar-submit" in b] if len(buttons) > 1 else buttons
    assert len(pressed) == 1 and pressed[0].endswith(">Save"), buttons


def test_a_sign_in_link_opens_a_standalone_session_after_the_admin(web, irt, emulator):  # noqa: F811  (fixtures)
    _embedded(web)
    with irt.sessions() as db:
        shop_id = db.scalar(select(Shop.id).where(Shop.domain == DOMAIN))
    sign_in(web, shop_id)
    page = parse(web.get("/app/"))
    _standalone(page)
    form = web.get("/app/policy/form")
    saved = web.post("/app/policy/form", data={"csrf_token": csrf_from(form.data), "action": "draft"},
                     follow_redirects=True)
    assert b'<p class="flash success" role="status">Kept as your draft.' in saved.data
    assert b"data-toast" not in saved.data


def test_an_oauth_callback_opens_a_standalone_session(web, emulator):  # noqa: F811  (fixtures)
    _embedded(web)
    assert callback(web, start(web)).status_code == 302
    _standalone(parse(web.get("/app/")))


def test_a_woocommerce_shop_never_loads_app_bridge(web, irt):  # noqa: F811  (fixtures)
    with transaction(irt.sessions) as db:
        woo = add_shop(db, platform="woocommerce", domain=WOO_URL, webhook_secret=SECRET,
                       policy_text=resolve_policy_path("kinectr").read_text()).id
    sign_in(web, woo)
    with web.session_transaction() as cookie:
        cookie["embedded"] = True        # even so marked, a WooCommerce store's pages are never in Shopify admin
    _standalone(parse(web.get("/app/")))


def test_a_deployment_without_a_shopify_app_never_loads_app_bridge(rt, shops):
    app = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None)
    client = app.test_client()
    sign_in(client, shops["shopify"].id)
    with client.session_transaction() as cookie:
        cookie["embedded"] = True        # the demo of `make run` has no Shopify app key to give App Bridge
    _standalone(parse(client.get("/app/")))


@pytest.mark.parametrize("category, toasted", [("success", True), ("message", True), ("warning", False),
                                               ("error", False)])
def test_only_news_becomes_a_toast(web, emulator, category, toasted):  # noqa: F811  (fixtures)
    """Success and plain messages become toasts; warnings and errors stay on the page, to be read and acted on."""
    _embedded(web)
    with web.session_transaction() as cookie:
        cookie["_flashes"] = [(category, "Something to say.")]
    page = web.get("/app/").data
    marker = b' data-toast' if toasted else b''
    assert f'<p class="flash {category}" role="status"'.encode() + marker + b">Something to say.</p>" in page
