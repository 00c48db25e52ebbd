"""The Return labels page: the return address, the EasyPost API key and the EasyPost webhook secret (kept encrypted,
shown masked, never in the page), and the webhook URL to paste into EasyPost."""
from sqlalchemy import text

from integration.db.models import Shop
from tests.web_helpers import csrf_from, sign_in

SECRET = "ep-whsec-returnspage-0123456789"
KEY = "EZAKreturnspage0123456789"
ADDRESS = {"address-name": "Returns desk", "address-street1": "1 Way", "address-city": "Madison",
           "address-state": "WI", "address-zip": "53703", "address-country": "US"}


def _save(client, **form):
    page = client.get("/app/returns/")
    return client.post("/app/returns/", data={"csrf_token": csrf_from(page.data), **form})


def _stored(rt, shop_id) -> Shop:
    with rt.sessions() as session:
        return session.get(Shop, shop_id)


def test_the_page_saves_the_secret_encrypted_shows_it_masked_and_gives_the_webhook_url(web_app, rt, shops):
    client, shop_id = web_app.test_client(), shops["shopify"].id
    sign_in(client, shop_id)
    first = client.get("/app/returns/").get_data(as_text=True)
    url = f"{rt.settings.public_url.rstrip('/')}/webhooks/easypost/"
    assert url in first and url.startswith("http") and "Not set" in first
    assert _save(client, easypost_api_key=KEY, easypost_webhook_secret=SECRET, **ADDRESS).status_code == 303
    shop = _stored(rt, shop_id)
    assert (shop.easypost_webhook_secret, shop.easypost_api_key) == (SECRET, KEY)
    assert shop.settings["return_address"]["city"] == "Madison"
    with rt.engine.connect() as connection:   # the column holds ciphertext, as the API key's does
        raw = connection.execute(text("SELECT easypost_webhook_secret, easypost_api_key FROM shops WHERE id = :id"),
                                 {"id": shop_id}).one()
    assert SECRET not in str(raw[0]) and KEY not in str(raw[1])
    page = client.get("/app/returns/").get_data(as_text=True)
    assert SECRET not in page and KEY not in page and "••••••••6789" in page
    assert "Labels are <strong>ready</strong>" in page
    assert _save(client).status_code == 303                          # blank keeps what is stored
    assert _stored(rt, shop_id).easypost_webhook_secret == SECRET
    assert _save(client, **{"remove-easypost_webhook_secret": "1"}).status_code == 303
    assert _stored(rt, shop_id).easypost_webhook_secret is None and _stored(rt, shop_id).easypost_api_key == KEY


def test_a_bad_address_is_refused_naming_the_field_and_nothing_is_saved(web_app, rt, shops, caplog):
    client, shop_id = web_app.test_client(), shops["woocommerce"].id
    sign_in(client, shop_id)
    with caplog.at_level("DEBUG"):
        refused = _save(client, easypost_webhook_secret=SECRET, **{**ADDRESS, "address-country": "us"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "return_address.country" in body and SECRET not in body and SECRET not in caplog.text
    shop = _stored(rt, shop_id)
    assert shop.easypost_webhook_secret is None and not (shop.settings or {}).get("return_address")
