"""The approve form offers the merchant's choices; the inspection preview names each fee, its rule and clause."""
import pytest

from tests.request_helpers import DEFECTIVE_HOODIE, UNLISTED_REASON, latest, shopify_story, submit, use_policy
from tests.web_helpers import csrf_from, sign_in

CHANGE_OF_MIND = {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "changed_mind",
                  "items": [{"line_item_id": "9001", "quantity": 2}]}


@pytest.fixture()
def signed_in(client, rt, queue, shops):
    client.queued_actions = []
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    use_policy(rt, shops["shopify"].id, "kinectr")
    return client


def _approve(client, case_id, **form):
    token = csrf_from(client.get("/app/review/").data)
    return client.post(f"/app/review/{case_id}/decide", data={"csrf_token": token, "decision": "approve",
                                                               "reviewer": "Sam Lee", **form})


def test_the_approve_form_offers_the_policys_resolutions_and_a_partial_refund(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    page = signed_in.get("/app/review/").get_data(as_text=True)
    assert f'<select id="resolution-{case_id}" name="resolution">' in page
    assert """<option value="replacement" selected>Replacement (the policy's choice)</option>""" in page.replace(
        "&#39;", "'")
    for value in ("repair", "refund", "exchange", "store_credit", "keep_item", "partial_refund"):
        assert f'<option value="{value}"' in page
    assert f'<label for="amount-{case_id}">Partial refund amount (USD, at most 22.50 USD' in page


def test_approving_a_partial_refund_queues_a_refund_of_that_amount(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    response = _approve(signed_in, case_id, resolution="partial_refund", amount="12.00", reason="Loose stitching")
    assert response.status_code == 303
    decided = latest(rt, case_id)
    assert decided["document"]["explanation"].startswith(
        "Approved by the merchant on review: Loose stitching. Resolution: a partial refund of 12.00 USD.")
    assert [p["amount"] for kind, _, p in decided["actions"] if kind == "refund"] == ["12.00"]
    assert signed_in.queued_actions == decided["action_ids"]


def test_a_chosen_repair_is_recorded(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    assert _approve(signed_in, case_id, resolution="repair", reason="We fix it").status_code == 303
    assert latest(rt, case_id)["document"]["resolution"] == "repair"


@pytest.mark.parametrize("form, message", [
    ({"resolution": "partial_refund", "amount": "22.51"}, "amount: at most 22.50 USD"),
    ({"resolution": "partial_refund", "amount": ""}, "amount: give the partial refund"),
    ({"resolution": "edit"}, "resolution: choose one of replacement, repair, refund, exchange, store_credit, "
                             "keep_item, partial_refund (not &#39;edit&#39;)"),
])
def test_a_bad_choice_is_a_422_naming_the_field_and_keeps_what_was_typed(signed_in, rt, shops, form, message):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    response = _approve(signed_in, case_id, reason="Goodwill", **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and ">Goodwill</textarea>" in page
    assert latest(rt, case_id)["count"] == 1 and signed_in.queued_actions == []


def test_the_inspection_preview_names_the_fee_its_rule_and_clause_when_the_refund_drops(signed_in, rt, shops):
    use_policy(rt, shops["shopify"].id, "motion-hardware")
    case_id = submit(rt, shops["shopify"].id, CHANGE_OF_MIND, "a")
    page = signed_in.get(f"/app/review/{case_id}/inspection?condition-9001=used").get_data(as_text=True)
    assert "refund 2.91 USD" in page and "The refund goes from 23.16 to 2.91 USD (fees 0.00 → 20.25)." in page
    assert ("20.25 USD (up to 90 % of the item price), charged under “You may return it at your own cost; the refund "
            "depends on its condition (intact 100 %, repacking up to 10 % fee, damaged up to 90 % fee)”") in page
    assert "; the policy says: <q>For other situations like you changed your mind" in page
    table = page[page.index("<table>"):page.index("</table>")]
    assert "change-of-mind" not in table   # the rule and the clause in words, never their keys
    assert "no fee" not in page and latest(rt, case_id)["count"] == 1


def test_the_inspection_preview_says_which_rule_now_decides_and_quotes_it(signed_in, rt, shops):
    use_policy(rt, shops["shopify"].id, "kaolate")
    case_id = submit(rt, shops["shopify"].id, DEFECTIVE_HOODIE, "a")   # approved, return on the shop
    page = signed_in.get(f"/app/review/{case_id}/inspection?condition-9002=used").get_data(as_text=True)
    assert "Recording this changes the terms:" in page
    assert "The refund goes from 68.24 to 0.00 USD" in page
    assert "Return shipping moves from the shop to nobody (nothing is sent back)." in page
    assert ("<li>Now decided by: Products that have been used, washed or altered by the customer cannot be returned "
            "(the policy says: “Products that have been used, washed, or damaged by the customer.”).</li>") in page
    assert "Rule used-or-washed" not in page and "clause used" not in page
    assert ("<td>Products that have been used, washed or altered by the customer cannot be returned (before the "
            "inspection: Defective, damaged or incorrect items are replaced or refunded, with return shipping and "
            "the original shipping covered)</td>") in page
    unchanged = signed_in.get(f"/app/review/{case_id}/inspection?condition-9002=unused").get_data(as_text=True)
    assert "Recording this changes the terms:" not in unchanged
