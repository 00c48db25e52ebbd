"""The Policy pages: presets, the settings form, the YAML editor, versions and the published text; every
route bound to the session's shop (the Try it routes too), every form behind CSRF."""
import re

import pytest
import yaml
from markupsafe import escape
from sqlalchemy import select

from integration.db.models import PolicyVersion, Shop
from integration.policy.loader import load_policy_text, resolve_policy_path
from tests.policy_page_helpers import (KAOLATE, SHORT_WINDOW, defective, page_state, past_request, signed_in,  # noqa: F401
                                       store_order)


def _current_text(rt, shop_id) -> str:
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        return session.get(PolicyVersion, shop.policy_version_id).document


def test_the_menu_has_policy_and_try_it(signed_in):
    page = signed_in.get("/app/").data
    assert b'href="/app/policy/"' in page and b">Policy<" in page and b'href="/app/try/"' in page and b">Try it<" in page


def test_presets_are_listed_and_choosing_one_makes_a_draft_only(signed_in, rt, shops):
    page = signed_in.get("/app/policy/presets").data.decode()
    # Described by what they do, never by the shop whose policy they came from.
    for words in ("Apparel and custom print: 30 days from delivery", "Made-to-order parts and printed goods",
                  "A starting point: one rule that leaves every request to you."):
        assert words in page
    assert "Kaolate" not in page and "Kinectr" not in page
    assert "return window: 30 days from delivery" in page
    before = page_state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/presets/kinectr", data={"csrf_token": signed_in.csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/policy/editor")
    after = page_state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and after[2]["document"] == resolve_policy_path("kinectr").read_text()
    assert b"policy: kinectr" in signed_in.get("/app/policy/editor").data
    assert signed_in.post("/app/policy/presets/..%2Fsecret", data={"csrf_token": signed_in.csrf}).status_code == 404
    assert signed_in.post("/app/policy/presets/nope", data={"csrf_token": signed_in.csrf}).status_code == 404


def _form_fields(html: str) -> dict:
    """The settings form as a browser would post it unchanged (text inputs, selected options, checked boxes)."""
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value)
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value)
    for name, value in re.findall(r'<input type="checkbox" name="([^"]+)" value="([^"]*)"[^>]* checked', html):
        fields.setdefault(name, []).append(value)
    for name, body in re.findall(r'<select (?:id="[^"]*" )?name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)<', body) or \
            re.search(r'<option(?: value="([^"]*)")?>([^<]*)<', body)
        fields[name] = [chosen.group(1) if chosen.group(1) is not None else chosen.group(2)]
    return fields


def test_the_form_round_trips_a_window_change_into_a_new_version(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    fields = _form_fields(signed_in.get("/app/policy/form").data.decode())
    assert fields["window.return_window.length"] == ["30"] and fields["window.return_window.from"] == ["delivery"]
    fields.update({"window.return_window.length": ["45"], "action": ["save"]})
    before = page_state(rt, shop_id)
    response = signed_in.post("/app/policy/form", data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/policy/versions")
    after = page_state(rt, shop_id)
    assert after[0] == before[0] + 1 and after[1] != before[1] and after[2] is None
    saved, original = yaml.safe_load(_current_text(rt, shop_id)), yaml.safe_load(KAOLATE)
    assert saved["windows"]["return_window"] == {"from": "delivery", "days": 45}
    assert saved["rules"] == original["rules"] and saved["clauses"] == original["clauses"]
    assert b"Saved as version 2" in signed_in.get("/app/policy/versions").data


def test_a_form_error_is_shown_next_to_its_field_and_nothing_is_saved(signed_in, rt, shops):
    fields = _form_fields(signed_in.get("/app/policy/form").data.decode())
    fields.update({"window.return_window.length": ["thirty"], "action": ["save"]})
    before = page_state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/form", data=fields)
    page = response.data.decode()
    assert response.status_code == 422
    assert 'id="err-windows.return_window"' in page and "&#39;thirty&#39; is not a whole number" in page
    assert 'value="thirty"' in page                                    # what was typed is kept
    assert page_state(rt, shops["shopify"].id) == before


def test_the_form_keeps_a_draft_when_asked(signed_in, rt, shops):
    fields = _form_fields(signed_in.get("/app/policy/form").data.decode())
    fields.update({"window.return_window.length": ["21"], "action": ["draft"]})
    before = page_state(rt, shops["shopify"].id)
    assert signed_in.post("/app/policy/form", data=fields).status_code == 302
    after = page_state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and "days: 21" in after[2]["document"]
    assert b'value="21"' in signed_in.get("/app/policy/form").data     # the form reads the draft


def test_the_editor_shows_each_error_on_its_line(signed_in, rt, shops):
    text = KAOLATE.replace("reason: [defective, damaged_in_transit], window", "reason: [defective, damagd], window")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "damagd" in row)
    before = page_state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": text,
                                                          "action": "save"})
    page = response.data.decode()
    assert response.status_code == 422
    assert f'<a href="#L{line}" data-line="{line}">line {line}</a>: <code>rules[15].when.reason[1]</code>' in page
    assert f'<li id="L{line}" class="bad">' in page
    after = page_state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and after[2]["document"] == text    # kept as the draft, not published


def test_an_oversized_document_is_refused(signed_in, rt, shops):
    before = page_state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "action": "draft",
                                                          "document": KAOLATE + "#" * 200_000})
    assert response.status_code == 413 and page_state(rt, shops["shopify"].id) == before


def test_saving_in_the_editor_makes_a_version_with_a_diff(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    response = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW,
                                                          "action": "save"})
    assert response.status_code == 302 and _current_text(rt, shop_id) == SHORT_WINDOW
    with rt.sessions() as session:
        first = session.scalar(select(PolicyVersion).where(PolicyVersion.shop_id == shop_id, PolicyVersion.version == 1))
    listing = signed_in.get("/app/policy/versions").data.decode()
    assert f"/app/policy/versions/{first.id}" in listing and "kaolate" in listing
    page = signed_in.get(f"/app/policy/versions/{first.id}").data.decode()
    assert '<span class="del">-  return_window: {from: delivery, days: 30}</span>' in page
    assert '<span class="add">+  return_window: {from: delivery, days: 5}</span>' in page


def test_the_published_text_quotes_the_clauses(signed_in):
    page = signed_in.get("/app/policy/text").data.decode()
    policy = load_policy_text(KAOLATE)
    for clause in policy.clauses.values():
        assert str(escape(clause.strip())) in page
    assert "Return window: 30 days from delivery." in page and 'id="copy"' in page


@pytest.fixture()
def theirs(rt, shops):
    """Another shop's order, policy version and request."""
    other = shops["woocommerce"].id
    order_pk = store_order(rt, other, "8001")
    case_id = past_request(rt, other, order_pk, defective(15), "theirs")
    with rt.sessions() as session:
        version_id = session.get(Shop, other).policy_version_id
    return {"order": order_pk, "case": case_id, "version": version_id}


def test_another_shops_ids_give_404_and_change_nothing(signed_in, rt, shops, theirs):
    before = [page_state(rt, shops[name].id) for name in ("shopify", "woocommerce")]
    csrf = signed_in.csrf
    attempts = [signed_in.get(f"/app/try/?order={theirs['order']}"), signed_in.get(f"/app/try/?case={theirs['case']}"),
                signed_in.post("/app/try/", data={"csrf_token": csrf, "order": theirs["order"], "action": "decide",
                                                  "type": "return", "policy": "current"}),
                signed_in.post("/app/try/", data={"csrf_token": csrf, "order": theirs["order"], "action": "load"}),
                signed_in.get(f"/app/policy/versions/{theirs['version']}"),
                signed_in.post(f"/app/policy/versions/{theirs['version']}/draft", data={"csrf_token": csrf})]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert [page_state(rt, shops[name].id) for name in ("shopify", "woocommerce")] == before
    assert b"8001" not in signed_in.get("/app/try/").data               # their order is not listed


POSTS = ["/app/policy/presets/kaolate", "/app/policy/draft/discard", "/app/policy/form", "/app/policy/editor",
         "/app/try/", "VERSION_DRAFT"]


@pytest.mark.parametrize("route", POSTS)
def test_every_form_needs_the_csrf_token(signed_in, rt, shops, route):
    if route == "VERSION_DRAFT":
        with rt.sessions() as session:
            route = f"/app/policy/versions/{session.get(Shop, shops['shopify'].id).policy_version_id}/draft"
    signed_in.post("/app/policy/presets/kinectr", data={"csrf_token": signed_in.csrf})   # a draft to discard
    before = page_state(rt, shops["shopify"].id)
    data = {"document": SHORT_WINDOW, "action": "save", "window.return_window.length": "3"}
    assert signed_in.post(route, data=data).status_code == 400
    assert signed_in.post(route, data={**data, "csrf_token": "forged"}).status_code == 400
    assert page_state(rt, shops["shopify"].id) == before


def test_pages_need_a_session(client):
    for route in ("/app/policy/", "/app/policy/editor", "/app/try/", "/app/try/replay"):
        assert client.get(route).status_code == 302
    assert client.post("/app/policy/editor", data={"document": KAOLATE}).status_code in (400, 401)
