"""The customer's words for a decision (integration/requests/customer_words.py), apart from the merchant's."""
from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from integration.requests.customer_words import contact_sentence, customer_date, customer_words, shop_name

DENVER = ZoneInfo("America/Denver")


def _shop(domain="kaolate-demo.myshopify.com", **settings):
    return SimpleNamespace(domain=domain, settings=settings)


def _row(outcome, explanation="", decided_by="policy", **document):
    return SimpleNamespace(decided_by=decided_by, policy_version_id=None,
                           document={"outcome": outcome, "explanation": explanation, "rules": [], **document})


@pytest.mark.parametrize("domain, name", [("kaolate-demo.myshopify.com", "Kaolate Demo"),
                                          ("https://www.oak-and-iron.example.com/shop", "Oak And Iron Example"),
                                          ("http://woo-demo.example.com", "Woo Demo Example")])
def test_the_shop_is_named_from_its_domain_when_it_has_no_name(domain, name):
    assert shop_name(_shop(domain)) == name


def test_the_shops_own_name_comes_first():
    assert shop_name(_shop(branding={"name": "Paper & Vow"})) == "Paper & Vow"


def test_the_contact_is_the_shops_email_else_the_order_email():
    assert contact_sentence(_shop(contact_email="hi@shop.example")) == "Questions? Write to hi@shop.example."
    assert contact_sentence(_shop(return_address={"email": "returns@shop.example"})).endswith("returns@shop.example.")
    assert contact_sentence(_shop()) == "Questions? Reply to your order confirmation email."


def test_dates_are_the_shops_day_in_words():
    late = datetime(2026, 12, 12, 3, 0, tzinfo=timezone.utc)   # still Friday evening in Denver
    assert customer_date(late, DENVER) == "Friday 11 December"
    assert customer_date(late, DENVER, "fr") == "vendredi 11 décembre"


@pytest.mark.parametrize("outcome", ["needs_evidence", "needs_review"])
def test_no_refund_figure_before_the_request_is_granted(outcome):
    row = _row(outcome, "More evidence needed: ... a refund of 66.50 USD", refund={"total": "66.50", "currency": "USD"})
    words = customer_words(_shop(), row, [], DENVER)
    said = " ".join([words.headline, *words.message, words.contact])
    assert "66.50" not in said and "Kaolate Demo" in said


def test_a_merchants_denial_gives_their_reason_a_next_step_and_the_contact():
    row = _row("denied", "Denied by the merchant on review: the item was worn. Nothing is refunded.",
               decided_by="merchant:Ana", deadline="2026-12-11T23:59:59-07:00")
    words = customer_words(_shop(contact_email="hi@shop.example"), row, [], DENVER)
    assert words.headline == "We cannot accept this request"
    assert "The reason: the item was worn." in words.message
    assert "The time for this request ended on Friday 11 December." in words.message
    assert "contact the shop" in words.message[-1] and words.contact == "Questions? Write to hi@shop.example."
