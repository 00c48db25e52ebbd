"""Merchant pages speak in people's words: dates and times in the shop's zone ("6 Dec 2026, 17:34"), platform
events, rules and windows by what they mean, never an ISO stamp, a webhook topic or a rule id (issue 19, item 8)."""
import html
import json
import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.merchant.labels import key_words, rule_words, topic_words
from integration.merchant.shop_time import shop_date, shop_time
from integration.policy.loader import load_policy_text
from integration.policy.loader import resolve_policy_path
from integration.shops.mode import LIVE, SHADOW, set_mode
from tests.policy_page_helpers import store_order
from tests.request_helpers import DEFECTIVE_HOODIE, UNLISTED_REASON, shopify_story, submit
from tests.web_helpers import sign_in

DENVER = ZoneInfo("America/Denver")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
KAOLATE = load_policy_text(resolve_policy_path("kaolate").read_text())
RULE_IDS = [r.id for r in (*KAOLATE.rules, *KAOLATE.adjustments)]


def visible(page: str) -> str:
    """The words a merchant reads: no tags or attributes, and not the raw JSON nor the decision's stored
    explanation (the engine's text, quoted as it was recorded)."""
    page = re.sub(r'<pre class="document".*?</pre>|<blockquote>.*?</blockquote>|<(script|style)\b.*?</\1>', " ",
                  page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def assert_for_people(page: str) -> None:
    text = visible(page)
    assert not ISO.findall(text), ISO.findall(text)
    named = [rule for rule in RULE_IDS if rule in text]
    assert not named and "(otherwise)" not in text, named


def test_dates_and_times_read_in_the_shops_zone():
    moment = datetime(2026, 12, 7, 0, 34, tzinfo=timezone.utc)
    assert shop_time(moment, DENVER) == "6 Dec 2026, 17:34"
    assert shop_date(moment, DENVER) == "6 Dec 2026"
    assert shop_time(datetime(2026, 12, 7, 0, 34), DENVER) == "6 Dec 2026, 17:34"   # naive: the database's UTC
    assert shop_date("2026-06-22T23:59:59-06:00", DENVER) == "22 Jun 2026"
    assert shop_time("2026-12-06T23:34:00+00:00", timezone.utc) == "6 Dec 2026, 23:34"
    assert shop_date(date(2026, 1, 2), DENVER) == "2 Jan 2026" and shop_time(None, DENVER) == ""


def test_events_rules_and_keys_read_as_words():
    assert topic_words("orders/updated", "Shopify") == "Shopify: order updated"
    assert topic_words("returns/request", "Shopify") == "Shopify: return requested"
    assert topic_words("fulfillment_events/create", "Shopify") == "Shopify: fulfillment event created"
    assert topic_words("order.updated", "WooCommerce") == "WooCommerce: order updated"
    assert key_words("return_window") == "return window"
    assert rule_words(KAOLATE, "used-or-washed") == ("Products that have been used, washed or altered by the "
                                                     "customer cannot be returned")
    assert rule_words(KAOLATE, "outside-window") == "Requests must be made within 30 days of delivery"
    assert rule_words(KAOLATE, "otherwise") == "The policy does not cover this request, so the merchant decides"
    assert rule_words(KAOLATE, "gone-rule") == "The rule on gone rule"   # a rule no longer in the policy


@pytest.fixture()
def story(client, rt, queue, shops):
    """Shopify's order #1001 with a decided return and a request waiting for review; the shop went live from
    shadow mode; signed in."""
    client.application.extensions["returnkit"].enqueue_action = lambda _id: None
    shopify_story(client, rt, queue)
    shop_id = shops["shopify"].id
    submit(rt, shop_id, DEFECTIVE_HOODIE, "k1")
    submit(rt, shop_id, UNLISTED_REASON, "k2")
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        set_mode(shop, SHADOW)
        set_mode(shop, LIVE)
        shop.settings = {**shop.settings, "reconcile": {"last_success_at": "2026-12-07T00:34:00+00:00"}}
        order_pk = session.scalar(select(Order.id).where(Order.shop_id == shop_id, Order.order_id == "5550001"))
    sign_in(client, shop_id)
    return order_pk


def test_home_says_when_in_the_shops_zone_and_the_checkbox_label_sits_beside_it(client, story):
    page = client.get("/app/").get_data(as_text=True)
    assert "Last checked against your store: " in page and ">6 Dec 2026, 17:34</time>" in page
    assert re.search(r"Policy <strong>Kaolate Returns and Refund Policy</strong>, version 1 "
                     r"\(saved \d{1,2} \w{3} \d{4}, \d{2}:\d{2}\)", page)
    assert re.search(r"Live since <time datetime=\"[^\"]+\">\d{1,2} \w{3} \d{4}, \d{2}:\d{2}</time>", page)
    assert ('<label for="linked" class="choice checkbox-inline"><input type="checkbox" id="linked" name="linked"> '
            'I added the link</label>') in page
    assert_for_people(page)


def test_the_order_page_names_events_items_and_rules_in_words(client, story):
    page = client.get(f"/app/activity/orders/{story}").get_data(as_text=True)
    assert "<strong>Shopify: order updated</strong>" in page and "<code>" not in page
    assert "Items: Custom embroidered hoodie × 1" in page and "× line" not in page
    assert "Why: The policy does not cover this request, so the merchant decides" in page
    assert re.search(r"<time datetime=\"[^\"]+\">\d{1,2} \w{3} \d{4}, \d{2}:\d{2}</time>", page)
    assert_for_people(page)
    assert_for_people(client.get("/app/activity/").get_data(as_text=True))


def test_the_review_card_names_the_catch_all_rule_in_words(client, story):
    page = client.get("/app/review/").get_data(as_text=True)
    assert "(The policy does not cover this request, so the merchant decides)" in page
    assert_for_people(page)


def test_try_it_shows_the_deadline_as_a_day_and_rules_in_words(client, rt, shops, story):
    order_pk = store_order(rt, shops["shopify"].id, "7001", "2002")   # two tees, delivered on 5 May 2026
    page = client.get(f"/app/try/?order={order_pk}").get_data(as_text=True)
    assert "#2002 · 1 May 2026 · 1 line<" in page and "#1001 · 1 May 2026 · 2 lines<" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    decided = client.post("/app/try/", data={"csrf_token": token, "order": str(order_pk), "policy": "current",
                                             "action": "decide", "type": "return", "reason": "defective",
                                             "qty.9001": "1", "photos": "2", "submitted_at": "2026-05-12T10:00"})
    text = decided.get_data(as_text=True)
    assert decided.status_code == 200 and "<dt>Deadline</dt><dd>4 Jun 2026</dd>" in text
    assert '<option value="defective" selected>Defective</option>' in text
    assert "<td>Organic tee</td><td>1</td><td>standard</td><td>approved</td><td>Defective, damaged" in text
    # The engine's explanation writes its window's end for people too, in the policy's zone.
    explanation = json.loads(html.unescape(re.search(r'id="decision-json">(.*?)</pre>', text, re.S).group(1)))
    assert "The window closes on 4 Jun 2026, 23:59 (America/Denver)." in explanation["explanation"]
    assert not ISO.findall(explanation["explanation"])
    shown = text.replace(re.search(r'id="decision-json">.*?</pre>', text, re.S).group(0), "")   # the JSON is data
    assert str(escape(explanation["explanation"])) in shown
    assert_for_people(shown)


def test_the_policy_form_names_windows_and_rules_in_words_and_says_comments_are_kept(client, story):
    page = client.get("/app/policy/form").get_data(as_text=True)
    assert "Length<span class=\"sr\"> of return window</span>" in page and "<strong>Return window</strong>" in page
    assert "drops its comments" not in page and "its comments and layout are kept" in page
    assert "Orders can be cancelled within 24 hours of purchase for a full refund" in page
    assert "return_window" not in visible(page)
    assert_for_people(page)


def test_the_dashboard_writes_its_days_for_people(client, story):
    assert_for_people(client.get("/app/dashboard/").get_data(as_text=True))
