"""The customer page in the customer's language (Flask-Babel): the browser's Accept-Language, else the shop's
setting `language`, else English; the French catalog is compiled from integration/translations when the app starts."""
import os
import re
import time

from integration.web.customer_i18n import SOURCE, compiled_catalogs
from tests.web.test_customer_experience import PAGE, _settings, _text, customer  # noqa: F401 (the fixture)
from tests.web_helpers import csrf_from

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def _find(client, headers):
    token = csrf_from(client.get(PAGE, headers=headers).data)
    return client.post(PAGE, headers=headers, data={"csrf_token": token, "order_number": "1001",
                                                    "email": "jane.buyer@example.com"})


def test_a_french_browser_sees_the_page_in_french(customer):
    page = customer.get(PAGE, headers=FRENCH).data.decode()
    assert '<html lang="fr">' in page and "Retours, échanges et annulations" in page and "Trouver ma commande" in page
    assert "Find my order" not in page


def test_a_french_browser_gets_the_form_and_the_answer_in_french(customer):
    _find(customer, FRENCH)
    form = customer.get(f"{PAGE}/new", headers=FRENCH).data.decode()
    assert "Que souhaitez-vous que nous fassions ?" in form and "Il est défectueux ou ne fonctionne plus" in form
    nonce = re.search(r'name="nonce" value="([^"]+)"', form)[1]
    sent = customer.post(f"{PAGE}/new", headers=FRENCH, data={
        "csrf_token": csrf_from(form), "nonce": nonce, "type": "cancellation"})
    text = _text(customer.get(sent.headers["Location"], headers=FRENCH).data)
    assert "Nous ne pouvons pas accepter cette demande" in text and "contactez la boutique" in text
    assert re.search(r"le (lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ [a-zéû]+", text), text


def test_the_shops_language_is_used_when_the_browser_names_none_we_ship(customer, rt):
    _settings(rt, language="fr")
    assert "Trouver ma commande" in customer.get(PAGE).data.decode()
    assert "Trouver ma commande" in customer.get(PAGE, headers={"Accept-Language": "de-DE,de"}).data.decode()
    assert "Find my order" in customer.get(PAGE, headers={"Accept-Language": "en-GB,en"}).data.decode()


def test_an_english_browser_sees_english(customer):
    page = customer.get(PAGE, headers={"Accept-Language": "en-US,en"}).data.decode()
    assert '<html lang="en">' in page and "Find my order" in page


def test_the_catalogs_are_compiled_and_elsewhere_when_their_folder_cannot_be_written(tmp_path):
    source = tmp_path / "translations"
    (source / "fr" / "LC_MESSAGES").mkdir(parents=True)
    po = source / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_bytes((SOURCE / "fr" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert compiled_catalogs(source) == source and po.with_suffix(".mo").stat().st_size > 1000
    po.with_suffix(".mo").unlink()
    po.with_suffix(".mo").mkdir()   # the compiled file cannot be written there
    os.utime(po, (time.time() + 60, time.time() + 60))
    elsewhere = compiled_catalogs(source)
    assert elsewhere != source and (elsewhere / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_every_customer_string_has_its_french():
    """The catalog follows the code: a string added to the customer page and not to the French catalog fails here
    (refresh with the pybabel commands in babel.cfg)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po
    root = SOURCE.parent.parent
    with (root / "babel.cfg").open() as cfg:
        methods, options = parse_mapping_cfg(cfg)
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(str(root), methods, options, keywords={**DEFAULT_KEYWORDS, "N_": None})}
    with (SOURCE / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        french = {(m.id if isinstance(m.id, str) else m.id[0]): m.string for m in read_po(po) if m.id}
    assert len(found) > 100 and sorted(found - set(french)) == []
    assert [msgid for msgid, text in french.items() if not (text if isinstance(text, str) else all(text))] == []


def test_what_happens_next_is_in_french_too_and_in_english_by_default():
    from types import SimpleNamespace as NS

    from flask import Flask
    from flask_babel import force_locale, gettext

    from integration.requests.next_steps import next_steps
    from integration.web.customer_i18n import init_babel

    row = NS(document={"outcome": "approved", "resolution": "refund", "return_required": True,
                       "return_shipping_paid_by": "customer", "deadline": "2026-12-18T23:59:59-07:00",
                       "refund": {"total": "42.50", "currency": "USD", "method": "original_payment",
                                  "timing": "after_inspection", "due_within_business_days": 10}}, actions=[])
    shop = NS(settings={"return_address": {"name": "Kaolate", "street1": "1 Main St", "city": "Boulder",
                                           "zip": "80302", "country": "US"}})
    english = next_steps(shop, None, None, row)["steps"]
    assert english[0].startswith("Send the item(s) to ") and english[0].endswith(", by Friday 18 December.")
    assert english[1] == ("Once the item arrives and passes inspection, 42.50 USD comes back to your original payment "
                          "method within 10 business days.")
    app = Flask(__name__)
    init_babel(app)
    with app.test_request_context(), force_locale("fr"):
        french = next_steps(shop, None, None, row, gettext, "fr")["steps"]
    assert french[0].startswith("Renvoyez le ou les articles à ") and french[0].endswith(", avant le vendredi 18 décembre.")
    assert french[1] == ("Une fois l'article reçu et contrôlé, 42.50 USD vous sont remboursés sur votre moyen de "
                         "paiement d'origine sous 10 jours ouvrés.")
