"""The Policy pages and Try it: presets, the settings form, the YAML editor, versions, the published text,
the simulator and the replay; every route bound to the session's shop, every form behind CSRF."""
import json
from pathlib import Path

import pytest
import yaml
from markupsafe import escape
from sqlalchemy import func, select

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.db.models import PolicyVersion, Shop
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.policy.engine import decide
from integration.policy.loader import load_policy_text, resolve_policy_path
from integration.services.orders import decision_case
from integration.services.policy_editor import DRAFT_KEY
from tests.policy_page_helpers import defective, past_request, store_order
from tests.web_helpers import csrf_from, sign_in

KAOLATE = resolve_policy_path("kaolate").read_text()
SHORT_WINDOW = KAOLATE.replace("return_window: {from: delivery, days: 30}", "return_window: {from: delivery, days: 5}")


@pytest.fixture()
def signed_in(client, shops):
    sign_in(client, shops["shopify"].id)
    client.csrf = csrf_from(client.get("/app/policy/").data)
    return client


def _state(rt, shop_id):
    """What a page could change: the shop's versions, current version, draft, and recorded requests."""
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        return (session.scalar(select(func.count(PolicyVersion.id)).where(PolicyVersion.shop_id == shop_id)),
                shop.policy_version_id, (shop.settings or {}).get(DRAFT_KEY),
                session.scalar(select(func.count(ReturnCase.id))), session.scalar(select(func.count(Decision.id))),
                session.scalar(select(func.count(Action.id))))


def _current_text(rt, shop_id) -> str:
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        return session.get(PolicyVersion, shop.policy_version_id).document


def test_the_menu_has_policy_and_try_it(signed_in):
    page = signed_in.get("/app/").data
    assert b'href="/app/policy/"' in page and b">Policy<" in page and b'href="/app/try/"' in page and b">Try it<" in page


def test_presets_are_listed_and_choosing_one_makes_a_draft_only(signed_in, rt, shops):
    page = signed_in.get("/app/policy/presets").data.decode()
    for name in ("Kinectr Refund Policy", "Kaolate Returns and Refund Policy", "My Shop Return Policy"):
        assert name in page
    assert "return window: 30 days from delivery" in page
    before = _state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/presets/kinectr", data={"csrf_token": signed_in.csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/policy/editor")
    after = _state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and after[2]["document"] == resolve_policy_path("kinectr").read_text()
    assert b"policy: kinectr" in signed_in.get("/app/policy/editor").data
    assert signed_in.post("/app/policy/presets/..%2Fsecret", data={"csrf_token": signed_in.csrf}).status_code == 404
    assert signed_in.post("/app/policy/presets/nope", data={"csrf_token": signed_in.csrf}).status_code == 404


def _form_fields(html: str) -> dict:
    """The settings form as a browser would post it unchanged (text inputs, selected options, checked boxes)."""
    import re
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
    before = _state(rt, shop_id)
    response = signed_in.post("/app/policy/form", data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/app/policy/versions")
    after = _state(rt, shop_id)
    assert after[0] == before[0] + 1 and after[1] != before[1] and after[2] is None
    saved, original = yaml.safe_load(_current_text(rt, shop_id)), yaml.safe_load(KAOLATE)
    assert saved["windows"]["return_window"] == {"from": "delivery", "days": 45}
    assert saved["rules"] == original["rules"] and saved["clauses"] == original["clauses"]
    assert b"Saved as version 2" in signed_in.get("/app/policy/versions").data


def test_a_form_error_is_shown_next_to_its_field_and_nothing_is_saved(signed_in, rt, shops):
    fields = _form_fields(signed_in.get("/app/policy/form").data.decode())
    fields.update({"window.return_window.length": ["thirty"], "action": ["save"]})
    before = _state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/form", data=fields)
    page = response.data.decode()
    assert response.status_code == 422
    assert 'id="err-windows.return_window"' in page and "&#39;thirty&#39; is not a whole number" in page
    assert 'value="thirty"' in page                                    # what was typed is kept
    assert _state(rt, shops["shopify"].id) == before


def test_the_form_keeps_a_draft_when_asked(signed_in, rt, shops):
    fields = _form_fields(signed_in.get("/app/policy/form").data.decode())
    fields.update({"window.return_window.length": ["21"], "action": ["draft"]})
    before = _state(rt, shops["shopify"].id)
    assert signed_in.post("/app/policy/form", data=fields).status_code == 302
    after = _state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and "days: 21" in after[2]["document"]
    assert b'value="21"' in signed_in.get("/app/policy/form").data     # the form reads the draft


def test_the_editor_shows_each_error_on_its_line(signed_in, rt, shops):
    text = KAOLATE.replace("reason: [defective, damaged_in_transit], window", "reason: [defective, damagd], window")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "damagd" in row)
    before = _state(rt, shops["shopify"].id)
    response = signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": text,
                                                          "action": "save"})
    page = response.data.decode()
    assert response.status_code == 422
    assert f'<a href="#L{line}" data-line="{line}">line {line}</a>: <code>rules[15].when.reason[1]</code>' in page
    assert f'<li id="L{line}" class="bad">' in page
    after = _state(rt, shops["shopify"].id)
    assert after[:2] == before[:2] and after[2]["document"] == text    # kept as the draft, not published


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


def _pre(page: str, element_id: str):
    """The JSON shown in a <pre> of the page."""
    import html
    import re
    return json.loads(html.unescape(re.search(rf'<pre class="document" id="{element_id}">(.*?)</pre>', page, re.S).group(1)))


def _simulate(client, order_pk, request_fields, policy="current"):
    data = {"csrf_token": client.csrf, "order": str(order_pk), "policy": policy, "action": "decide", **request_fields}
    return client.post("/app/try/", data=data)


def test_the_simulator_decides_a_stored_order_as_the_engine_does(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    assert b"#1001" in signed_in.get("/app/try/").data
    assert b'name="qty.9001"' in signed_in.get(f"/app/try/?order={order_pk}").data
    before = _state(rt, shop_id)
    response = _simulate(signed_in, order_pk, {"type": "return", "reason": "defective", "qty.9001": "1",
                                               "photos": "2", "submitted_at": "2026-05-12T10:00"})
    assert response.status_code == 200
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        request = {**defective(12), "evidence": {"photos": 2, "videos": 0, "description": False}}
        case = decision_case(session, shop, session.get(Order, order_pk), request)
    expected = decision_json(decide(load_policy_text(KAOLATE), load_case(case)))
    page = response.data.decode()
    assert expected["outcome"] == "approved" and str(escape(expected["explanation"])) in page
    assert _pre(page, "decision-json") == expected and _pre(page, "case-json") == case
    refund = expected["refund"]
    assert f'<dd id="refund">{refund["total"]} USD: items {refund["items"]}, shipping {refund["shipping"]}' in page
    assert "<code>our-error-claim</code>" in page and str(escape(load_policy_text(KAOLATE).clauses["defective-claim"])) in page
    assert _state(rt, shop_id) == before                               # nothing recorded, no action


def test_the_simulator_uses_the_draft_when_asked(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW, "action": "draft"})
    request_fields = {"type": "return", "reason": "defective", "qty.9001": "1", "photos": "2",
                      "submitted_at": "2026-05-15T10:00"}
    assert b"late-defect-case-by-case" in _simulate(signed_in, order_pk, request_fields, "draft").data
    assert b"<code>our-error-claim</code>" in _simulate(signed_in, order_pk, request_fields, "current").data


def test_the_simulator_shows_each_deduction(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    signed_in.post("/app/policy/presets/motion-hardware", data={"csrf_token": signed_in.csrf})
    page = _simulate(signed_in, order_pk, {"type": "return", "reason": "changed_mind", "qty.9001": "2",
                                           "condition.9001": "unused", "submitted_at": "2026-05-12T10:00"}, "draft")
    text = page.data.decode()
    assert "<code>change-of-mind</code>" in text
    # two tees at 22.50: up to 10 % is withheld for repacking
    assert "<td>Organic tee</td><td>2</td><td>unused</td><td>up to 10% of the item price</td><td>4.50</td>" in text
    assert '<dd id="refund">40.50 USD: items 45.00, shipping 0.00, less 4.50' in text


def test_the_simulator_takes_a_pasted_case(signed_in):
    case = (Path(__file__).parents[1] / "contract" / "example_case.json").read_text()
    loaded = signed_in.post("/app/try/", data={"csrf_token": signed_in.csrf, "case_json": case, "action": "load"})
    assert loaded.status_code == 200 and b'name="qty.12"' in loaded.data
    decided = signed_in.post("/app/try/", data={"csrf_token": signed_in.csrf, "case_json": case, "action": "decide",
                                                "policy": "current", "type": "return", "reason": "changed_mind",
                                                "qty.12": "1", "submitted_at": "2026-05-12T10:00"})
    assert decided.status_code == 200 and b"<code>custom-not-eligible</code>" in decided.data
    bad = signed_in.post("/app/try/", data={"csrf_token": signed_in.csrf, "case_json": "{nope", "action": "load"})
    assert bad.status_code == 422 and b"case_json: not valid JSON" in bad.data


def test_replay_counts_what_a_shorter_window_changes(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    past_request(rt, shop_id, order_pk, defective(15), "late")
    past_request(rt, shop_id, order_pk, defective(6), "early")
    assert b"You have no draft" in signed_in.get("/app/try/replay").data
    signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW, "action": "draft"})
    before = _state(rt, shop_id)
    page = signed_in.get("/app/try/replay").data.decode()
    assert '<span class="figure" id="changed-count">1</span>' in page
    assert '<span class="figure" id="unchanged-count">1</span>' in page
    assert "approved → <strong>needs_review</strong>" in page
    assert _state(rt, shop_id) == before


def test_a_past_request_prefills_the_simulator(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    case_id = past_request(rt, shops["shopify"].id, order_pk, defective(15), "late")
    page = signed_in.get(f"/app/try/?case={case_id}").data.decode()
    assert f"from request {case_id}" in page and 'name="qty.9001" value="1"' in page
    assert 'value="2026-05-15T10:00"' in page


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
    before = [_state(rt, shops[name].id) for name in ("shopify", "woocommerce")]
    csrf = signed_in.csrf
    attempts = [signed_in.get(f"/app/try/?order={theirs['order']}"), signed_in.get(f"/app/try/?case={theirs['case']}"),
                signed_in.post("/app/try/", data={"csrf_token": csrf, "order": theirs["order"], "action": "decide",
                                                  "type": "return", "policy": "current"}),
                signed_in.post("/app/try/", data={"csrf_token": csrf, "order": theirs["order"], "action": "load"}),
                signed_in.get(f"/app/policy/versions/{theirs['version']}"),
                signed_in.post(f"/app/policy/versions/{theirs['version']}/draft", data={"csrf_token": csrf})]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert [_state(rt, shops[name].id) for name in ("shopify", "woocommerce")] == before
    assert b"8001" not in signed_in.get("/app/try/").data               # their order is not listed


POSTS = ["/app/policy/presets/kaolate", "/app/policy/draft/discard", "/app/policy/form", "/app/policy/editor",
         "/app/try/", "VERSION_DRAFT"]


@pytest.mark.parametrize("route", POSTS)
def test_every_form_needs_the_csrf_token(signed_in, rt, shops, route):
    if route == "VERSION_DRAFT":
        with rt.sessions() as session:
            route = f"/app/policy/versions/{session.get(Shop, shops['shopify'].id).policy_version_id}/draft"
    signed_in.post("/app/policy/presets/kinectr", data={"csrf_token": signed_in.csrf})   # a draft to discard
    before = _state(rt, shops["shopify"].id)
    data = {"document": SHORT_WINDOW, "action": "save", "window.return_window.length": "3"}
    assert signed_in.post(route, data=data).status_code == 400
    assert signed_in.post(route, data={**data, "csrf_token": "forged"}).status_code == 400
    assert _state(rt, shops["shopify"].id) == before


def test_pages_need_a_session(client):
    for route in ("/app/policy/", "/app/policy/editor", "/app/try/", "/app/try/replay"):
        assert client.get(route).status_code == 302
    assert client.post("/app/policy/editor", data={"document": KAOLATE}).status_code in (400, 401)
