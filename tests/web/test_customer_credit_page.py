"""The customer's decision page shows the store credit's coupon code, its amount and its bonus."""
from types import SimpleNamespace

from flask import render_template

from integration.requests.customer_words import CustomerWords
from tests.requests.test_next_steps_credit import DECISION


def test_the_page_shows_the_code(web_app):
    credit = {"code": "RK-7F3A-91", "amount": "40.00", "bonus": "4.00", "currency": "USD"}
    with web_app.test_request_context("/"):
        html = render_template("customer_decision.html", decision=DECISION, steps={"steps": [], "credit": credit},
                               order=SimpleNamespace(number="1001"), case=SimpleNamespace(id=7), slug="shop",
                               shop=SimpleNamespace(domain="shop.example"), parcel=None, errors=None,
                               words=CustomerWords("Good news", ["Here is what happens next."], "Questions?"),
                               brand={"name": "Shop", "logo_url": None, "colour": None}, contact="Questions?")
    assert "RK-7F3A-91" in html and "plus a bonus of 4.00 USD" in html
