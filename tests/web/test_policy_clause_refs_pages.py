"""The settings form and the policy's words: the text follows a changed number, a clause stating the old number
is a warning on save (the save goes through), and every stored decision reports the policy version that made it."""
import difflib

from integration.db.engine import transaction
from integration.db.models import PolicyVersion, Shop
from integration.db.request_models import ReturnCase
from integration.requests.decide import case_json
from integration.shops.core import set_policy
from tests.policy_page_helpers import KAOLATE, defective, past_request, signed_in, store_order  # noqa: F401
from tests.web.test_policy_pages import _current_text, _form_fields


def _save_window(client, days: str):
    fields = _form_fields(client.get("/app/policy/form").data.decode())
    fields.update({"window.return_window.length": [days], "action": ["save"]})
    return client.post("/app/policy/form", data=fields, follow_redirects=True)


def test_a_window_saved_from_the_form_changes_the_published_words_and_one_line(signed_in, rt, shops):
    page = _save_window(signed_in, "45").data.decode()
    assert "Saved as version 2" in page and "Check your clause" not in page
    saved = _current_text(rt, shops["shopify"].id)
    changed = [line for line in difflib.unified_diff(KAOLATE.splitlines(), saved.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-  return_window: {from: delivery, days: 30}", "+  return_window: {from: delivery, days: 45}"]
    text = signed_in.get("/app/policy/text").data.decode()
    assert "within 45 days of receiving the product" in text and "within 30 days" not in text


def test_a_clause_stating_the_old_number_is_a_warning_and_the_save_goes_through(signed_in, rt, shops):
    literal = KAOLATE.replace("within {windows.return_window.days} days of receiving", "within 30 days of receiving")
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["shopify"].id), literal)
    page = _save_window(signed_in, "45").data.decode()
    assert "Saved as version 3" in page
    assert "Check your clause: clauses.window says 30 days but windows.return_window is 45 days; write " \
           "{windows.return_window.days}" in page
    assert "days: 45}" in _current_text(rt, shops["shopify"].id)


def test_a_stored_decision_reports_the_shops_policy_version_that_decided_it(signed_in, rt, shops):
    shop_id = shops["shopify"].id
    _save_window(signed_in, "45")
    case_id = past_request(rt, shop_id, store_order(rt, shop_id), defective(12), "version-check")
    with rt.sessions() as session:
        case = session.get(ReturnCase, case_id)
        stored = case.decisions[-1]
        assert session.get(PolicyVersion, stored.policy_version_id).version == 2
        assert stored.document["policy"] == {"id": "kaolate", "version": 2, "document_version": "1"}
        assert case_json(case)["decision"]["policy"]["version"] == 2
