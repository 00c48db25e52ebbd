"""The merchant guide's Home in a real browser (issue 19, item 2): a shop in shadow mode shows what returnkit would
have done, sends nothing to Shopify, lists its set-up checklist, and switches to live."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from integration.db.request_models import Action
from tests.request_helpers import DEFECTIVE_HOODIE

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

DOMAIN = "guide-home.myshopify.com"


def _action_states(live, shop_id: int) -> set[str]:
    """The states of every action planned for the shop's requests."""
    with live.rt.sessions() as session:
        return set(session.scalars(select(Action.state).where(Action.shop_id == shop_id)))


def test_shadow_mode_shows_what_would_have_been_done_then_the_shop_goes_live(live, page, guide_shot):
    shop_id = live.seed_shopify_shop(DOMAIN)
    live.set_mode(shop_id, "shadow")
    answer = live.ask(shop_id, "5550001", {**DEFECTIVE_HOODIE, "evidence": {"photos": 2}})
    assert answer["decision"]["outcome"] == "approved"

    page.goto(live.login_path(shop_id))
    banner = page.get_by_role("region", name="Shadow mode: returnkit decides, but sends nothing")
    expect(banner).to_contain_text("(3 so far)")
    planned = banner.get_by_role("listitem")
    expect(planned).to_have_text(["Order #1001: would have: add a note to the order",
                                  "Order #1001: would have: add the tag “returnkit-label-needed”",
                                  "Order #1001: would have: create return"])
    checklist = page.get_by_role("region", name="Set-up checklist")
    expect(checklist).to_contain_text(re.compile(r"\d+ of \d+ still to do\."))
    expect(checklist).to_contain_text("Return address and prepaid labels")
    expect(checklist).to_contain_text("Emails to your customers")
    expect(checklist).to_contain_text("Your store links to the request page")
    guide_shot("home-shadow")
    checklist.evaluate("element => element.scrollIntoView({block: 'start'})")
    guide_shot("home-checklist")
    assert _action_states(live, shop_id) == {"shadowed"}, "shadow mode sent something"

    banner.get_by_role("button", name="Switch to live").click()
    expect(page.get_by_role("status").first).to_contain_text("returnkit is live: new decisions now act on your store.")
    expect(page.locator("p#shadow")).to_contain_text(
        re.compile(r"^Live since .*;\s+the 3 actions planned in shadow mode stay unsent\."))
    expect(page.get_by_role("region", name=re.compile("^Shadow mode"))).to_have_count(0)
    assert _action_states(live, shop_id) == {"shadowed"}, "switching to live sent what was planned in shadow mode"

    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("No mail server is set up")).to_be_visible()
    guide_shot("notifications")
