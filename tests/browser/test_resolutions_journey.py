"""Issue 17's journeys in a real browser, on the live service: the customer follows the return parcel (EasyPost
tracker Events move it) and finds the store-credit coupon with its bonus; the merchant sees the customer's emails
in the local outbox and the signed outbound webhook deliveries in an endpoint's log.

Each journey has a WooCommerce shop of its own on the emulator's order 1201 (delivered in May 2026); requests come
through the live API with a May submission date, inside the policies' windows, as a storefront would send them.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from integration.policy.loader import resolve_policy_path
from integration.requests.customer_words import customer_date
from tests.e2e.test_return_labels import WAREHOUSE, WRONG_ITEM
from tests.e2e.test_store_credit_bonus import credit_policy
from tests.e2e.test_woocommerce_actions import DAMAGED
from tests.e2e.test_woocommerce_actions import ORDER as WOO_ORDER
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.notify.helpers import Receiver

pytestmark = pytest.mark.proving   # a live service and a browser: `make proving`

BUYER = "riley.tester@example.com"   # order 1201's billing email
WAIT = 30                             # seconds the worker gets for one step


def _customer_opens(page, slug: str, request_id: int) -> None:
    """The customer proves the order on the returns page, then opens the request's page."""
    page.goto(f"/r/{slug}")
    page.get_by_label("Order number").fill(WOO_ORDER)
    page.get_by_label("Email used for the order").fill(BUYER)
    page.get_by_role("button", name="Find my order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {WOO_ORDER}")
    page.goto(f"/r/{slug}/requests/{request_id}")
    # The customer's own words, not the merchant's outcome label (issue 19).
    expect(page.get_by_role("heading", level=1)).to_have_text("Good news: your request is accepted")


def _reload_until(live, page, locator, text: str, what: str) -> None:
    """Reload the page until `locator` shows `text` (the worker or a webhook moves what it shows)."""
    def shown():
        page.reload()
        return locator.count() > 0 and text in locator.inner_text()
    live.wait_until(shown, WAIT, f"{what} (see {live.log_path})")


def _day(event: dict) -> str:
    """The date the page gives a tracker Event's scan: its latest TrackingDetail's, in the shop's zone (Kaolate's,
    America/Denver) as the customer reads dates: 'Monday 7 December'."""
    scanned = datetime.strptime(event["result"]["tracking_details"][-1]["datetime"], "%Y-%m-%dT%H:%M:%SZ")
    return customer_date(scanned.replace(tzinfo=timezone.utc), ZoneInfo("America/Denver"))


def _steps(parcel) -> list[str]:
    return [re.sub(r"\s+", " ", item).strip() for item in parcel.get_by_role("listitem").all_inner_texts()]


def test_the_customer_sees_the_parcel_move_from_label_to_delivered(live, page, shot):
    slug = "woo-track.example.com"
    shop_id = live.seed_woocommerce_shop(f"https://{slug}", resolve_policy_path("kaolate").read_text(), WOO_STORY,
                                         WOO_ORDER)
    live.set_up_labels(shop_id, WAREHOUSE)
    easypost, bought_before = live.emulators.easypost, len(live.emulators.easypost.purchases)
    answer = live.ask(shop_id, WOO_ORDER, WRONG_ITEM)   # kaolate: a defect comes back at the merchant's cost
    assert (answer["decision"]["outcome"], answer["decision"]["return_shipping_paid_by"]) == ("approved", "merchant")
    _customer_opens(page, slug, answer["request_id"])
    parcel = page.get_by_role("region", name="Your parcel")
    _reload_until(live, page, parcel, "Label ready ·", "the label bought and shown")
    [sid] = easypost.purchases[bought_before:]
    expect(page.get_by_role("link", name="Download your prepaid return label")).to_have_attribute(
        "href", easypost.shipments[sid]["postage_label"]["label_url"])
    [ready, on_way, delivered] = _steps(parcel)
    assert re.fullmatch(r"Label ready · [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+", ready), ready   # "Sunday 6 December"
    assert (on_way, delivered) == ("On its way · not yet", "Delivered to the shop · not yet")
    shot("1-label-ready")

    scanned = easypost.scan(sid, "in_transit")
    live.send_tracking(slug, scanned)
    _reload_until(live, page, parcel, f"On its way · {_day(scanned)}", "the parcel in transit")
    assert _steps(parcel)[2] == "Delivered to the shop · not yet"
    shot("2-on-its-way")

    arrived = easypost.scan(sid, "delivered", hours=24)
    live.send_tracking(slug, arrived)
    _reload_until(live, page, parcel, f"Delivered to the shop · {_day(arrived)}", "the parcel delivered")
    assert _steps(parcel)[:2] == [ready, f"On its way · {_day(scanned)}"]
    shot("3-delivered")


def test_the_customer_sees_the_coupon_code_and_the_bonus_apart(live, page, shot):
    slug = "woo-credit.example.com"
    shop_id = live.seed_woocommerce_shop(f"https://{slug}", credit_policy("10"), WOO_STORY, WOO_ORDER)
    woo, coupons_before = live.emulators.woocommerce, len(live.emulators.woocommerce.coupons)
    answer = live.ask(shop_id, WOO_ORDER, DAMAGED)   # kinectr's claim, paid as store credit with a 10 % bonus
    credit = answer["decision"]["credit"]
    assert answer["decision"]["refund"]["method"] == "store_credit" and credit["bonus"] not in ("0", "0.00")
    _customer_opens(page, slug, answer["request_id"])
    section = page.get_by_role("region", name="Your store credit")
    _reload_until(live, page, section, "as a coupon for your next order", "the coupon created and shown")
    [coupon] = woo.coupons[coupons_before:]
    expect(section.locator(".credit-code")).to_have_text(coupon["code"])
    expect(section).to_contain_text(f"{credit['amount']} USD, plus a bonus of {credit['bonus']} USD")
    shot("credit-code")


@pytest.fixture()
def receiver():
    """The merchant's own tool, listening on localhost."""
    running = Receiver()
    yield running
    running.close()


def _add_endpoint(page, shot, url: str) -> str:
    """On the Notifications page: add the endpoint (every event, as the form offers); its signing secret."""
    page.get_by_label("Endpoint URL (https)").fill(url)
    page.get_by_role("button", name="Add endpoint").click()
    added = page.get_by_role("status").filter(has_text="Its signing secret")
    expect(added).to_contain_text(re.compile(r"Endpoint \d+ added"))
    shot("1-endpoint-added")
    return added.locator("code.secret").inner_text()


def _delivery(page, event: str):
    return page.get_by_role("row").filter(has=page.locator("code", has_text=re.compile(rf"^{re.escape(event)}$")))


def test_the_merchant_sees_the_emails_sent_and_the_webhook_deliveries(live, page, shot, receiver):
    domain = "https://woo-notify.example.com"
    shop_id = live.seed_woocommerce_shop(domain, resolve_policy_path("kinectr").read_text(), WOO_STORY, WOO_ORDER)
    page.goto(live.login_path(shop_id))
    page.goto("/app/notifications/")
    expect(page.get_by_text("No mail server is set up")).to_be_visible()
    expect(page.get_by_text("No email yet.")).to_be_visible()
    secret = _add_endpoint(page, shot, receiver.url)
    page.get_by_role("row").filter(has_text=receiver.url).get_by_role("button", name="Send test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Endpoint \d+$"))
    expect(page.get_by_text(re.compile(r"Test delivery \d+: sent\."))).to_be_visible()
    expect(_delivery(page, "webhook.test").locator("td.state")).to_have_text("sent")
    expect(_delivery(page, "webhook.test")).to_contain_text("200")

    answer = live.ask(shop_id, WOO_ORDER, DAMAGED)
    assert answer["decision"]["outcome"] == "approved"
    _reload_until(live, page, _delivery(page, "request.decided").locator("td.state.succeeded"), "sent",
                  "the request.decided delivery")
    expect(_delivery(page, "request.decided")).to_contain_text("200")
    shot("2-delivery-log")
    verified = [Webhook(secret).verify(body, headers) for headers, body in receiver.received]
    types = [p["type"] for p in verified]   # each verified: a bad signature raises
    assert types[0] == "webhook.test" and types.count("request.decided") == 1, types

    page.get_by_role("link", name="Notifications").first.click()
    outbox = page.get_by_role("table").filter(has_text="Subject").first
    for title in ("Request received", "Approved"):
        row = outbox.get_by_role("row").filter(has=page.get_by_role("cell", name=title, exact=True))
        _reload_until(live, page, row, "sent (local)", f"the {title!r} email in the outbox")
        expect(row).to_contain_text(WOO_ORDER)
    shot("3-outbox")
