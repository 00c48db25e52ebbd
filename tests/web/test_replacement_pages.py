"""The Replacements page: per item class of the shop's policy, create an approved replacement's order or leave it to
the merchant (custom and made-to-order classes are left to them by default)."""
import re

from integration.db.models import Shop
from tests.web_helpers import csrf_from, sign_in


def checked(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="replacement\[([a-z_]+)\]" value="([a-z]+)"\s+checked', html))


def test_the_page_lists_the_policys_classes_with_their_defaults_and_saves_a_choice(web_app, rt, shops):
    client = web_app.test_client()
    sign_in(client, shops["shopify"].id)   # kaolate: final_sale, custom, and standard by default
    page = client.get("/app/replacements/")
    assert page.status_code == 200
    assert checked(page.get_data(as_text=True)) == {"final_sale": "manual", "custom": "manual", "standard": "automatic"}
    saved = client.post("/app/replacements/", data={"csrf_token": csrf_from(page.data), "replacement[custom]": "automatic"})
    assert saved.status_code == 303
    assert checked(client.get("/app/replacements/").get_data(as_text=True))["custom"] == "automatic"
    with rt.sessions() as session:
        assert session.get(Shop, shops["shopify"].id).settings["replacements"] == {"custom": "automatic"}
        assert not session.get(Shop, shops["woocommerce"].id).settings.get("replacements")


def test_an_unknown_choice_is_refused_naming_the_field_and_nothing_is_saved(web_app, rt, shops):
    client = web_app.test_client()
    sign_in(client, shops["woocommerce"].id)   # kinectr: every item custom
    page = client.get("/app/replacements/")
    refused = client.post("/app/replacements/", data={"csrf_token": csrf_from(page.data), "replacement[custom]": "always"})
    assert refused.status_code == 422
    assert "replacement[custom]: &#39;always&#39; is not a choice" in refused.get_data(as_text=True)
    with rt.sessions() as session:
        assert not (session.get(Shop, shops["woocommerce"].id).settings or {}).get("replacements")
