"""The customer page as a shopper meets it (issue 19): the shop's name and brand, its policy, friendly 404s, only the
units still returnable, earlier requests, a kept link that works in a new browser, plain words, and French."""
import re

import pytest
from sqlalchemy import select

from integration.db.models import Shop
from integration.db.order_models import Order
from integration.db.request_models import ReturnCase
from tests.web.test_customer_pages import _find, customer  # noqa: F401  (the fixture)
from tests.web_helpers import csrf_from

DOMAIN = "kaolate-demo.myshopify.com"
PAGE = f"/r/{DOMAIN}"
EMAIL = "jane.buyer@example.com"


def _ask(client, **fields):
    form = client.get(f"{PAGE}/new")
    data = {"csrf_token": csrf_from(form.data), "nonce": re.search(rb'name="nonce" value="([^"]+)"', form.data)[1].decode(),
            "type": "return", **fields}
    return client.post(f"{PAGE}/new", data=data)


def _settings(rt, **changes):
    with rt.sessions() as session:
        shop = session.scalars(select(Shop).where(Shop.domain == DOMAIN)).one()
        shop.settings = {**(shop.settings or {}), **changes}
        session.commit()


def _text(html: bytes) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_shop_is_named_by_its_name_not_its_domain(customer):
    page = customer.get(PAGE).data
    assert "Kaolate Demo" in _text(page) and DOMAIN not in _text(page)
    assert f'href="{PAGE}/policy"'.encode() in page


def test_the_shops_branding_shows_and_unsafe_values_are_left_out(customer, rt):
    _settings(rt, branding={"name": "Kaolate Studio", "logo_url": "https://cdn.example.com/logo.png", "colour": "#aa3300"})
    page = customer.get(PAGE).data.decode()
    assert "Kaolate Studio" in page and 'src="https://cdn.example.com/logo.png"' in page and "--accent: #aa3300" in page
    _settings(rt, branding={"logo_url": "javascript:alert(1)", "colour": "red;background:url(x)"})
    page = customer.get(PAGE).data.decode()
    assert "javascript:" not in page and "--accent" not in page and "Kaolate Demo" in page


def test_the_published_policy_is_public(customer):
    page = customer.get(f"{PAGE}/policy")
    assert page.status_code == 200
    text = _text(page.data)
    assert "Final sale" in text or "final sale" in text
    assert "Start a return" in text


@pytest.mark.parametrize("path", ["/r/nobody.myshopify.com", "/r/nobody.myshopify.com/policy",
                                  f"{PAGE}/requests/not-a-number", "/r/"])
def test_unknown_shops_and_pages_get_a_friendly_404(customer, path):
    response = customer.get(path)
    assert response.status_code == 404 and b"We could not find this page" in response.data


def test_an_unknown_request_of_a_proven_order_is_a_friendly_404(customer):
    _find(customer)
    response = customer.get(f"{PAGE}/requests/999999")
    assert response.status_code == 404 and b"We could not find this page" in response.data


def test_other_404s_keep_their_own_answer(customer):
    assert b"We could not find this page" not in customer.get("/app/no-such-page").data


def test_units_asked_for_are_not_offered_again_and_the_request_is_listed(customer):
    _find(customer)
    assert 'name="qty-9002"' in customer.get(f"{PAGE}/new").data.decode()
    assert _ask(customer, **{"qty-9002": "1", "reason": "defective"}).status_code == 302
    page = customer.get(f"{PAGE}/new").data.decode()
    assert 'name="qty-9002"' not in page
    earlier = re.search(r'<section[^>]*id="earlier">(.*?)</section>', page, re.S)[1]
    assert "Return" in earlier and "Waiting for your photos or details" in earlier
    again = _ask(customer, **{"qty-9002": "1", "reason": "defective"})   # the same units, by a crafted form
    assert again.status_code == 422 and b"at most 0" in again.data


def test_a_cancelled_order_offers_nothing_and_says_so(customer, rt):
    with rt.sessions() as session:
        session.scalars(select(Order).where(Order.number == "1001")).one().cancelled_at = \
            session.scalars(select(Order).where(Order.number == "1001")).one().placed_at
        session.commit()
    _find(customer)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert "cancelled and refunded" in page and 'name="type"' not in page and "qty-" not in page


def test_a_kept_request_link_opens_again_in_a_new_browser(customer):
    _find(customer)
    kept = _ask(customer, **{"qty-9002": "1", "reason": "defective"}).headers["Location"]
    other = customer.application.test_client()
    asked = other.get(kept)
    assert asked.status_code == 302 and asked.headers["Location"].endswith(PAGE)
    assert b"To see your request again" in other.get(PAGE).data
    proved = _find(other)
    assert proved.status_code == 302 and proved.headers["Location"].endswith(kept.split("://")[-1].split(DOMAIN)[-1])
    assert b"We need a little more from you" in other.get(proved.headers["Location"]).data


def test_a_denial_gives_the_reason_a_next_step_and_the_contact(customer, rt):
    _settings(rt, contact_email="hello@kaolate.example")
    _find(customer)
    shown = customer.get(_ask(customer, type="cancellation").headers["Location"])
    with rt.sessions() as session:
        decision = session.scalars(select(ReturnCase)).one().decisions[-1].document
    assert decision["outcome"] == "denied", decision["explanation"]
    text = _text(shown.data)
    assert "cannot accept this request" in text and "The reason: production has started" in text
    assert "contact the shop" in text and "hello@kaolate.example" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text) and decision["explanation"] not in text


def _hoodie_variants(rt, variants):
    from integration.db.order_models import Product
    with rt.sessions() as session:
        line = next(line for line in session.scalars(select(Order).where(Order.number == "1001")).one().lines
                    if line.line_id == "9002")
        product = session.scalars(select(Product).where(Product.product_id == line.product_id)).one()
        product.variants = [[line.variant_id, "HOODIE-S", True], *variants]
        session.commit()


def _hoodie_product(rt) -> str:
    with rt.sessions() as session:
        order = session.scalars(select(Order).where(Order.number == "1001")).one()
        return next(line.product_id for line in order.lines if line.line_id == "9002")


def test_the_exchange_picker_offers_the_products_other_variants_in_stock(customer, rt, monkeypatch):
    _hoodie_variants(rt, [["70001", "HOODIE-M", True], ["70002", "HOODIE-L", True], ["70003", None, True]])
    asked = []   # one question for every choice: (product, variant, units)
    monkeypatch.setattr("integration.web.customer_pages.platform_stocks",
                        lambda *_: lambda wants: asked.append(wants) or {"70002": False, "70003": True})
    _find(customer)
    form = customer.get(f"{PAGE}/new").data.decode()
    picker = re.search(r'<select id="exchange-9002".*?</select>', form, re.S)[0]
    assert '<option value="70001"' in picker and "HOODIE-M" in picker and '<option value="70003"' in picker
    assert "70002" not in picker and "HOODIE-S" not in picker   # out of stock; the customer's own
    [wants] = asked
    assert sorted(v for _p, v, _n in wants) == ["70001", "70002", "70003"] and {(p, n) for p, _v, n in wants} == {
        (_hoodie_product(rt), 1)}
    sent = _ask(customer, type="exchange", reason="ordered_wrong_variant", **{"qty-9002": "1", "exchange-9002": "70001"})
    assert sent.status_code == 302
    with rt.sessions() as session:
        items = session.scalars(select(ReturnCase)).one().request["items"]
    assert items[0]["exchange_for"] == {"variant_id": "70001"}


def test_a_variant_not_in_the_catalogue_is_refused(customer, rt):
    _hoodie_variants(rt, [["70001", "HOODIE-M", True]])
    _find(customer)
    sent = _ask(customer, type="exchange", reason="ordered_wrong_variant", **{"qty-9002": "1", "exchange-9002": "99"})
    assert sent.status_code == 422 and b"choose the size or colour you want from the list" in sent.data
