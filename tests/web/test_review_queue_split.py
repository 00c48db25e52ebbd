"""The review queue split by who acts next, each request with its age, customer, items and amount in the
merchant's words and the shop's zone, and narrowed by GET filters."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.request_models import ReturnCase
from tests.request_helpers import DEFECTIVE_NO_PHOTOS, UNLISTED_REASON, latest, shopify_story, submit
from tests.web_helpers import sign_in

DAMAGED_NO_PHOTOS = {**DEFECTIVE_NO_PHOTOS, "reason": "damaged_in_transit"}


@pytest.fixture()
def queue_page(client, rt, queue, shops):
    """(review case id, evidence case id, the page at a query): one request per side of the queue."""
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    review = submit(rt, shops["shopify"].id, UNLISTED_REASON, "q-review")
    evidence = submit(rt, shops["shopify"].id, DAMAGED_NO_PHOTOS, "q-evidence")
    assert (latest(rt, review)["outcome"], latest(rt, evidence)["outcome"]) == ("needs_review", "needs_evidence")
    return review, evidence, lambda query="": client.get(f"/app/review/{query}").get_data(as_text=True)


def _made_at(rt, case_id, when) -> None:
    with transaction(rt.sessions) as session:
        session.get(ReturnCase, case_id).created_at = when


def _sides(page: str) -> tuple[str, str]:
    you, customer = page.split('<h2 id="customer">')
    return you, customer


def test_each_request_is_on_the_side_of_whoever_must_act(queue_page):
    review, evidence, page = queue_page
    you, customer = _sides(page())
    assert f'id="case-{review}"' in you and f"Request {evidence}" not in you and "Waiting for you (1)" in you
    assert f'id="waiting-customer-{evidence}"' in customer and f"Request {review} " not in customer
    assert "Waiting for the customer (1)" in customer and "photos" in customer


def test_rows_speak_the_merchants_words_and_never_show_the_full_email(queue_page, rt):
    review, evidence, page = queue_page
    _made_at(rt, review, datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))   # 30 Nov, 20:00 in Denver
    text = page()
    assert "made <time" in text and ">30 Nov 2026</time>" in text
    shown = re.sub(r'value="[^"]*"', "", text)   # the filters' option values are ids; what is read is not
    assert "Damaged in transit" in shown and "damaged_in_transit" not in shown and "Other reason" in shown
    assert "j•••@example.com" in text and "jane.buyer@example.com" not in text
    assert "Organic tee × 2" in text and "Custom embroidered hoodie × 1" in text
    refund = latest(rt, review)["document"]["refund"]
    assert f"{refund['total']} USD back if approved" in text


def test_age_counts_whole_days_and_filters_by_it(queue_page, rt):
    review, evidence, page = queue_page
    _made_at(rt, review, utcnow() - timedelta(days=3, hours=2))
    assert "waiting 3 days" in page()
    kept = page("?older_than=2")
    assert f'id="case-{review}"' in kept and f"waiting-customer-{evidence}" not in kept
    assert f'id="case-{review}"' not in page("?older_than=4&type=return")


def test_type_reason_and_order_number_filters(queue_page):
    review, evidence, page = queue_page
    by_reason = page("?reason=damaged_in_transit")
    assert f"waiting-customer-{evidence}" in by_reason and f'id="case-{review}"' not in by_reason
    assert 'value="damaged_in_transit" selected' in by_reason and "Show all" in by_reason
    none = page("?type=exchange")
    assert f"case-{review}" not in none and f"waiting-customer-{evidence}" not in none
    assert "No request waiting for your decision matches these filters." in none
    both = page("?q=%231001")
    assert f'id="case-{review}"' in both and f"waiting-customer-{evidence}" in both
    assert f'id="case-{review}"' not in page("?q=2002")


def test_a_filter_that_cannot_be_used_is_named_with_its_fix_and_ignored(queue_page):
    review, _, page = queue_page
    text = page("?older_than=soon&reason=broken")
    assert "older_than: give a whole number of days" in text and "reason: choose one of the reasons" in text
    assert f'id="case-{review}"' in text
