"""The customer page's settings: name, logo, colour, language and contact, each checked with a clear error, and
what the customer page then shows."""
from sqlalchemy import select

from integration.db.models import Shop
from tests.web.test_customer_pages import PAGE, customer  # noqa: F401  (the fixture)
from tests.web_helpers import csrf_from, sign_in

SETTINGS = "/app/customer-page/"


def _save(client, **fields):
    token = csrf_from(client.get(SETTINGS).data)
    return client.post(SETTINGS, data={"csrf_token": token, **fields})


def _settings(rt, shop_id) -> dict:
    with rt.sessions() as session:
        return dict(session.get(Shop, shop_id).settings or {})


def test_the_settings_show_on_the_customer_page_and_blank_clears_them(customer, rt, shops):
    shop_id = shops["shopify"].id
    sign_in(customer, shop_id)
    page = customer.get(SETTINGS).get_data(as_text=True)
    assert "/r/kaolate-demo.myshopify.com" in page   # the address to link from the store
    saved = _save(customer, name="Kaolate Studio", logo_url="https://cdn.example.com/logo.png", colour="#2a6f4e",
                  language="fr", contact_email="help@kaolate.example")
    assert saved.status_code == 303
    stored = _settings(rt, shop_id)
    assert stored["branding"] == {"name": "Kaolate Studio", "logo_url": "https://cdn.example.com/logo.png",
                                  "colour": "#2a6f4e"}
    assert (stored["language"], stored["contact_email"]) == ("fr", "help@kaolate.example")
    public = customer.get(PAGE, headers={"Accept-Language": "de"}).get_data(as_text=True)   # German: the shop's French
    assert "Kaolate Studio" in public and "https://cdn.example.com/logo.png" in public and '<html lang="fr">' in public
    assert _save(customer, name="", logo_url="", colour="", language="", contact_email="").status_code == 303
    cleared = _settings(rt, shop_id)
    assert cleared["branding"] == {} and "language" not in cleared and "contact_email" not in cleared


def test_a_bad_value_names_its_field_and_the_fix_and_nothing_is_saved(customer, rt, shops):
    shop_id = shops["shopify"].id
    sign_in(customer, shop_id)
    before = _settings(rt, shop_id)
    refused = _save(customer, name="X", logo_url="http://insecure.example/logo.png", colour="green", language="de",
                    contact_email="not-an-email")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for words in ("logo_url: give the logo&#39;s address starting with https://", "colour: write the colour as #rgb",
                  "language: choose one of: en, fr", "contact_email: give the address customers write to"):
        assert words in body, words
    assert 'value="http://insecure.example/logo.png"' in body   # what was typed stays in the form
    assert _settings(rt, shop_id) == before


def test_the_settings_belong_to_the_signed_in_shop_only(customer, rt, shops):
    sign_in(customer, shops["shopify"].id)
    assert _save(customer, name="Mine").status_code == 303
    with rt.sessions() as session:
        other = session.scalar(select(Shop).where(Shop.id == shops["woocommerce"].id))
        assert "branding" not in (other.settings or {})
