"""Try it: the simulator decides a stored order (or a pasted case) as the engine does, with the current
policy or the draft, and the replay counts what a draft changes; nothing is recorded."""
import html
import json
import re
from pathlib import Path

from markupsafe import escape

from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.db.models import Shop
from integration.db.order_models import Order
from integration.policy.engine import decide
from integration.policy.loader import load_policy_text
from integration.orders.as_case import decision_case
from tests.policy_page_helpers import (KAOLATE, SHORT_WINDOW, defective, page_state, past_request, signed_in,  # noqa: F401
                                       store_order)


OUR_ERROR = ("<strong>Defective, damaged or incorrect items are replaced or refunded, with return shipping and the original "
             "shipping covered</strong>")   # Kaolate's our-error-claim, in its own words


def _pre(page: str, element_id: str):
    """The JSON shown in a <pre> of the page."""
    return json.loads(html.unescape(re.search(rf'<pre class="document" id="{element_id}">(.*?)</pre>', page, re.S).group(1)))


def _simulate(client, order_pk, request_fields, policy="current"):
    data = {"csrf_token": client.csrf, "order": str(order_pk), "policy": policy, "action": "decide", **request_fields}
    return client.post("/app/try/", data=data)


def test_the_simulator_decides_a_stored_order_as_the_engine_does(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    assert b"#1001" in signed_in.get("/app/try/").data
    assert b'name="qty.9001"' in signed_in.get(f"/app/try/?order={order_pk}").data
    before = page_state(rt, shop_id)
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
    assert OUR_ERROR in page and str(escape(load_policy_text(KAOLATE).clauses["defective-claim"])) in page
    assert "<dt>Deadline</dt><dd>4 Jun 2026</dd>" in page   # 2026-06-04T23:59:59-06:00 as a day
    assert page_state(rt, shop_id) == before                               # nothing recorded, no action


def test_the_simulator_uses_the_draft_when_asked(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW, "action": "draft"})
    request_fields = {"type": "return", "reason": "defective", "qty.9001": "1", "photos": "2",
                      "submitted_at": "2026-05-15T10:00"}
    assert "<strong>After 5 days a defective or damaged product is approved case by case</strong>" in _simulate(
        signed_in, order_pk, request_fields, "draft").get_data(as_text=True)
    assert OUR_ERROR in _simulate(signed_in, order_pk, request_fields, "current").get_data(as_text=True)


def test_the_simulator_shows_each_deduction(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    signed_in.post("/app/policy/presets/motion-hardware", data={"csrf_token": signed_in.csrf})
    page = _simulate(signed_in, order_pk, {"type": "return", "reason": "changed_mind", "qty.9001": "2",
                                           "condition.9001": "unused", "submitted_at": "2026-05-12T10:00"}, "draft")
    text = page.data.decode()
    assert "<strong>You may return it at your own cost; the refund depends on its condition" in text
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
    assert decided.status_code == 200
    assert b"<strong>Custom and personalized products are final sale unless defective or incorrect</strong>" in decided.data
    assert b'<option value="changed_mind" selected>Changed their mind</option>' in loaded.data and b'name="qty.11" value="1"' in loaded.data
    bad = signed_in.post("/app/try/", data={"csrf_token": signed_in.csrf, "case_json": "{nope", "action": "load"})
    assert bad.status_code == 422 and b"case_json: not valid JSON" in bad.data


def test_replay_counts_what_a_shorter_window_changes(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    past_request(rt, shop_id, order_pk, defective(15), "late")
    past_request(rt, shop_id, order_pk, defective(6), "early")
    assert b"You have no draft" in signed_in.get("/app/try/replay").data
    signed_in.post("/app/policy/editor", data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW, "action": "draft"})
    before = page_state(rt, shop_id)
    page = signed_in.get("/app/try/replay").data.decode()
    assert '<span class="figure" id="changed-count">1</span>' in page
    assert '<span class="figure" id="unchanged-count">1</span>' in page
    assert "approved → <strong>left to your review</strong>" in page and "needs_review" not in page
    assert ("<td>Return · Defective</td>" in page and "<td>Defective, damaged or incorrect items are replaced or refunded, "
            "with return shipping and the original shipping covered → <strong>After 5 days a defective or damaged "
            "product is approved case by case</strong></td>") in page   # rules in words, before and in the draft
    assert page_state(rt, shop_id) == before


def test_a_past_request_prefills_the_simulator(signed_in, rt, shops):
    order_pk = store_order(rt, shops["shopify"].id)
    case_id = past_request(rt, shops["shopify"].id, order_pk, defective(15), "late")
    page = signed_in.get(f"/app/try/?case={case_id}").data.decode()
    assert f"from request {case_id}" in page and 'name="qty.9001" value="1"' in page
    assert 'value="2026-05-15T10:00"' in page


def test_replay_names_the_order_by_its_number_and_past_rules_in_the_version_that_decided(signed_in, rt, shops):
    from tests.request_helpers import use_policy
    shop_id = shops["shopify"].id
    past_request(rt, shop_id, store_order(rt, shop_id), defective(6), "early")   # decided by Kaolate
    use_policy(rt, shop_id, "kinectr")   # the live policy moves on; the past decision keeps its own words
    signed_in.post("/app/policy/editor",
                   data={"csrf_token": signed_in.csrf, "document": SHORT_WINDOW, "action": "draft"})
    page = signed_in.get("/app/try/replay").data.decode()
    assert "<td>#1001</td>" in page and "<td>7001</td>" not in page
    assert "<td>Defective, damaged or incorrect items are replaced or refunded, with return shipping and the original "\
           "shipping covered" in page
