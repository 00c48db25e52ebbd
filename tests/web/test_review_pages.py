"""The review queue and the inspection pages: approve/deny with a reason, preview then record an inspection."""
import re

import pytest

from integration.db.engine import transaction
from integration.db.request_models import ReturnCase
from integration.requests.evidence import Upload, store_files, validate_upload
from integration.settings import load_settings
from tests import evidence_files
from tests.request_helpers import UNLISTED_REASON, latest, shopify_story, submit, use_policy
from tests.web_helpers import csrf_from, sign_in


@pytest.fixture()
def signed_in(client, rt, queue, shops):
    client.queued_actions = []
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    return client


def _decide(client, case_id, **form):
    token = csrf_from(client.get("/app/review/").data)
    return client.post(f"/app/review/{case_id}/decide", data={"csrf_token": token, **form})


def test_approving_from_the_queue_records_it_queues_its_actions_and_clears_the_queue(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "7001", source="shopify_return")
    page = signed_in.get("/app/review/").get_data(as_text=True)
    assert f'id="case-{case_id}"' in page and "The policy: left to your review" in page and "Organic tee" in page
    response = _decide(signed_in, case_id, decision="approve", reason="Goodwill", reviewer="Sam Lee")
    assert response.status_code == 303
    decided = latest(rt, case_id)
    assert (decided["outcome"], decided["decided_by"]) == ("approved", "merchant:Sam Lee")
    assert decided["document"]["review"]["reason"] == "Goodwill"
    assert [kind for kind, _, _ in decided["actions"]] == ["approve_return", "customer_note", "order_note"]
    assert signed_in.queued_actions == decided["action_ids"]
    after = signed_in.get("/app/review/").get_data(as_text=True)
    assert f'id="case-{case_id}"' not in after and f"Inspect request {case_id}" in after


def test_the_queue_counts_the_photos_stored_with_a_request(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "7002")
    with transaction(rt.sessions) as session:
        photo = Upload("photos[0]", "photo", "tag.jpg", evidence_files.jpeg())
        store_files(session, session.get(ReturnCase, case_id), [validate_upload(photo, load_settings({}).evidence)])
    page = signed_in.get("/app/review/").get_data(as_text=True)
    assert "Evidence: 1 photo, no video, " in page
    [src] = re.findall(r'<img src="([^"]+)"', page)
    shown = signed_in.get(src)
    assert shown.status_code == 200 and shown.data == evidence_files.jpeg() and shown.mimetype == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith("inline") and "sandbox" in shown.headers["Content-Security-Policy"]
    assert signed_in.get(src.replace(f"/{case_id}/", f"/{case_id + 99}/")).status_code == 404


def test_denying_a_shopify_return_from_the_queue_declines_it(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "7001", source="shopify_return")
    assert _decide(signed_in, case_id, decision="deny", reason="Worn", reviewer="Sam").status_code == 303
    assert [kind for kind, _, _ in latest(rt, case_id)["actions"]] == ["decline_return", "order_note"]


def test_a_decision_without_a_reason_is_refused_and_names_the_field(signed_in, rt, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    response = _decide(signed_in, case_id, decision="approve", reason=" ", reviewer="Sam")
    assert response.status_code == 422 and "reason: say why" in response.get_data(as_text=True)
    assert latest(rt, case_id)["count"] == 1 and signed_in.queued_actions == []


def test_the_inspection_page_previews_the_refund_that_recording_then_issues(signed_in, rt, shops):
    use_policy(rt, shops["shopify"].id, "motion-hardware")
    case_id = submit(rt, shops["shopify"].id, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                               "reason": "changed_mind",
                                               "items": [{"line_item_id": "9001", "quantity": 2}]}, "a")
    form = signed_in.get(f"/app/review/{case_id}/inspection").get_data(as_text=True)
    assert 'name="condition-9001"' in form and "Preview the refund" in form
    preview = signed_in.get(f"/app/review/{case_id}/inspection?condition-9001=unused").get_data(as_text=True)
    assert "refund 20.91 USD" in preview and "<td>2.25</td>" in preview and "10 % of the item" in preview
    assert latest(rt, case_id)["count"] == 1
    response = signed_in.post(f"/app/review/{case_id}/inspection", data={
        "csrf_token": csrf_from(preview), "condition-9001": "unused", "inspector": "Robin"})
    assert response.status_code == 303
    decided = latest(rt, case_id)
    assert decided["document"]["refund"]["total"] == "20.91" and decided["decided_by"] == "inspection:Robin"
    assert ("refund", "pending") in [(k, s) for k, s, _ in decided["actions"]]
    assert signed_in.queued_actions == decided["action_ids"]


def test_a_bad_condition_names_the_field(signed_in, rt, shops):
    use_policy(rt, shops["shopify"].id, "motion-hardware")
    case_id = submit(rt, shops["shopify"].id, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                               "reason": "changed_mind",
                                               "items": [{"line_item_id": "9001", "quantity": 2}]}, "a")
    response = signed_in.get(f"/app/review/{case_id}/inspection?condition-9001=shiny")
    assert response.status_code == 422 and "condition-9001: choose one of" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path, form", [
    ("post", "/app/review/{id}/decide", {"decision": "deny", "reason": "x", "reviewer": "y"}),
    ("get", "/app/review/{id}/inspection", {}),
    ("post", "/app/review/{id}/inspection", {"condition-9001": "unused", "inspector": "y"}),
])
def test_another_shops_request_is_404_and_nothing_changes(client, rt, queue, shops, method, path, form):
    client.queued_actions = []
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    shopify_story(client, rt, queue)
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    sign_in(client, shops["woocommerce"].id)
    token = csrf_from(client.get("/app/review/").data)
    response = getattr(client, method)(path.format(id=case_id), data={"csrf_token": token, **form})
    assert response.status_code == 404
    assert latest(rt, case_id)["count"] == 1 and client.queued_actions == []


@pytest.mark.parametrize("path", ["/app/review/{id}/decide", "/app/review/{id}/inspection"])
def test_every_form_needs_the_csrf_token(signed_in, rt, shops, path):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    assert signed_in.post(path.format(id=case_id), data={"decision": "deny", "reason": "x", "reviewer": "y"}).status_code == 400
    assert latest(rt, case_id)["count"] == 1


def test_the_queue_page_labels_every_field(signed_in, rt, shops):
    submit(rt, shops["shopify"].id, UNLISTED_REASON, "a")
    page = signed_in.get("/app/review/").get_data(as_text=True)
    for field_id in re.findall(r'<(?:input|textarea|select) id="([^"]+)"', page):
        assert f'for="{field_id}"' in page
