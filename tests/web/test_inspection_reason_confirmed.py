"""The inspection records whether the claimed reason held (`reason_confirmed`), and a policy can charge for it."""
import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.shops.core import issue_api_key, set_policy
from tests.request_helpers import latest, shopify_story, submit
from tests.web_helpers import csrf_from, sign_in

# "Prepaid label charged back if the item is not defective": a fee the adjustment adds when the inspection says no.
POLICY = """
policy: confirm
name: Defects refunded, the label charged back when there is none
timezone: America/Chicago
clauses: {defects: "Defective items are refunded.", label: "If it is not defective, the label costs 7.50."}
fees: {label: {any: {amount: "7.50", per: line}}}
rules:
  - {id: defects, clause: defects, decide: approve, when: {reason: [defective]}, resolution: [refund],
     return: {required: true, shipping_paid_by: customer}, refund: {timing: after_inspection}}
adjustments:
  - {id: label-charged-back, clause: label, when: {reason_confirmed: false}, refund: {deductions: label}}
"""
REQUEST = {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "defective",
           "items": [{"line_item_id": "9001", "quantity": 1}]}


@pytest.fixture()
def awaiting(client, rt, queue, shops):
    """A defective-item return approved and waiting for its inspection, the merchant signed in."""
    client.queued_actions = []
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    shopify_story(client, rt, queue)
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["shopify"].id), POLICY)
    case_id = submit(rt, shops["shopify"].id, REQUEST, "a")
    sign_in(client, shops["shopify"].id)
    return case_id


def _token(client) -> str:
    return csrf_from(client.get("/app/review/").data)


def _preview(client, case_id, word):
    return client.get(f"/app/review/{case_id}/inspection?condition-9001=unused&reason_confirmed={word}")


def test_the_preview_charges_the_label_only_when_the_reason_is_not_confirmed(client, awaiting):
    form = client.get(f"/app/review/{awaiting}/inspection").get_data(as_text=True)
    assert '<select id="reason_confirmed" name="reason_confirmed">' in form and "not checked" in form
    refused = _preview(client, awaiting, "no").get_data(as_text=True)
    confirmed = _preview(client, awaiting, "yes").get_data(as_text=True)
    unchecked = _preview(client, awaiting, "").get_data(as_text=True)
    assert "<td>7.50</td>" in refused and 'name="reason_confirmed" value="no"' in refused
    assert "<td>7.50</td>" not in confirmed and "<td>7.50</td>" not in unchecked


def test_recording_no_stores_it_and_the_redecided_refund_carries_the_charge(client, rt, awaiting):
    before = latest(rt, awaiting)["document"]["refund"]
    response = client.post(f"/app/review/{awaiting}/inspection", data={
        "csrf_token": _token(client), "condition-9001": "unused", "reason_confirmed": "no", "inspector": "Robin"})
    assert response.status_code == 303
    decided = latest(rt, awaiting)
    assert decided["decided_by"] == "inspection:Robin"
    assert decided["document"]["refund"]["deductions"] == "7.50"
    assert float(decided["document"]["refund"]["total"]) == pytest.approx(float(before["total"]) - 7.50)
    with rt.sessions() as session:
        assert session.get(ReturnCase, awaiting).request["reason_confirmed"] is False


def test_not_checked_leaves_the_reason_unknown_and_a_bad_word_names_the_field(client, rt, awaiting):
    page = _preview(client, awaiting, "maybe")
    assert page.status_code == 422 and "reason_confirmed: choose yes, no or not checked" in page.get_data(as_text=True)
    client.post(f"/app/review/{awaiting}/inspection", data={
        "csrf_token": _token(client), "condition-9001": "unused", "reason_confirmed": "", "inspector": "Robin"})
    assert latest(rt, awaiting)["document"]["refund"]["deductions"] == "0.00"
    with rt.sessions() as session:
        assert "reason_confirmed" not in session.get(ReturnCase, awaiting).request


def test_the_api_records_reason_confirmed_and_refuses_anything_but_true_false_or_null(client, rt, shops, awaiting):
    with transaction(rt.sessions) as session:
        key_header = {"Authorization": f"Bearer {issue_api_key(session.get(Shop, shops['shopify'].id))}"}
    bad = client.post(f"/api/v1/requests/{awaiting}/inspection", headers=key_header,
                      json={"items": {"9001": "unused"}, "reason_confirmed": "no"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "reason_confirmed"
    good = client.post(f"/api/v1/requests/{awaiting}/inspection", headers=key_header,
                       json={"items": {"9001": "unused"}, "reason_confirmed": False, "by": "api"})
    assert good.status_code == 200, good.get_json()
    assert latest(rt, awaiting)["document"]["refund"]["deductions"] == "7.50"


def test_a_customer_cannot_say_their_own_reason_was_confirmed(client, rt, shops, awaiting):
    body = {"shop": "kaolate-demo.myshopify.com", "order_number": "1001", "email": "jane.buyer@example.com",
            "request": {**REQUEST, "reason_confirmed": True}}
    refused = client.post("/api/v1/requests", json=body)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "request.reason_confirmed"
    without = client.post("/api/v1/requests", json={**body, "request": REQUEST})
    assert without.status_code == 201, without.get_json()


def test_what_the_inspector_found_is_kept_with_the_inspection_and_shown_on_the_order(client, rt, shops, awaiting):
    response = client.post(f"/app/review/{awaiting}/inspection", data={
        "csrf_token": _token(client), "condition-9001": "unused", "reason_confirmed": "no", "inspector": "Robin",
        "notes": "Works fine: no defect found, seam intact."})
    assert response.status_code == 303
    assert latest(rt, awaiting)["document"]["inspection"] == {"by": "Robin",
                                                              "notes": "Works fine: no defect found, seam intact."}
    with rt.sessions() as session:
        order_pk = session.get(ReturnCase, awaiting).order_pk
    page = client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)
    assert "Inspection notes (Robin): Works fine: no defect found, seam intact." in page


def test_the_api_keeps_the_inspections_notes_and_refuses_notes_that_are_not_text(client, rt, shops, awaiting):
    with transaction(rt.sessions) as session:
        key_header = {"Authorization": f"Bearer {issue_api_key(session.get(Shop, shops['shopify'].id))}"}
    bad = client.post(f"/api/v1/requests/{awaiting}/inspection", headers=key_header,
                      json={"items": {"9001": "unused"}, "notes": ["a list"]})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "notes"
    good = client.post(f"/api/v1/requests/{awaiting}/inspection", headers=key_header,
                       json={"items": {"9001": "unused"}, "by": "api", "notes": "Scuffed corner."})
    assert good.status_code == 200, good.get_json()
    assert latest(rt, awaiting)["document"]["inspection"] == {"by": "api", "notes": "Scuffed corner."}
