"""Requests in, decisions (with the policy version) and planned actions out; the request API."""
import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action, Decision, ReturnCase
from integration.shops.core import issue_api_key, set_policy
from integration.policy.loader import resolve_policy_path
from tests.orders.test_picture import STORY, replay


def _cases(rt):
    with rt.sessions() as session:
        return [(c.source, c.source_ref, c.decisions[-1].outcome, [a.kind for a in c.decisions[-1].actions],
                 c.decisions[-1].policy_version_id) for c in session.scalars(select(ReturnCase).order_by(ReturnCase.id))]


def test_a_shopify_return_request_is_decided_at_once_and_its_actions_queued(client, rt, queue, shops):
    actions = []
    replay(client, rt, queue, "shopify", STORY + ["returns_request__tee_unwanted"], actions=actions)
    [(source, ref, outcome, kinds, version)] = _cases(rt)
    assert (source, ref, outcome) == ("shopify_return", "2220002", "denied")  # kaolate: change of mind is not accepted
    assert kinds == ["decline_return", "order_note"]
    with rt.sessions() as session:
        assert version == session.get(Shop, shops["shopify"].id).policy_version_id
        assert sorted(actions) == sorted(session.scalars(select(Action.id)).all())
    replay(client, rt, queue, "shopify", ["returns_request__tee_unwanted"])  # a resend decides nothing new
    assert len(_cases(rt)) == 1


@pytest.fixture()
def api(client, rt, queue, shops):
    replay(client, rt, queue, "shopify", STORY)
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
        woo_key = issue_api_key(session.get(Shop, shops["woocommerce"].id))
    client.application.extensions["returnkit"].enqueue_action = client.queued_actions.append
    return {"key": key, "other": woo_key}


@pytest.fixture(autouse=True)
def _queued(client):
    client.queued_actions = []


DEFECTIVE_HOODIE = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
                    "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2}}


def _post(client, body, key=None, **headers):
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return client.post("/api/v1/requests", json=body, headers=headers)


def test_the_shop_posts_a_request_and_reads_it_back_with_its_actions(client, rt, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    response = _post(client, body, api["key"])
    assert response.status_code == 201
    decision = response.json["decision"]
    assert (decision["outcome"], decision["rules"][0]) == ("approved", "our-error-claim")
    shown = client.get(f"/api/v1/requests/{response.json['request_id']}", headers={"Authorization": f"Bearer {api['key']}"})
    assert shown.status_code == 200
    # a Shopify return is opened; the refund waits for the inspection; the merchant pays the return and has
    # no label account: a tag asks for one
    assert [a["kind"] for a in shown.json["actions"]] == ["create_return", "tag_order", "order_note"]
    assert client.queued_actions == [a["id"] for a in shown.json["actions"]]


def test_a_repeated_post_with_the_same_idempotency_key_is_the_same_request(client, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    first = _post(client, body, api["key"], **{"Idempotency-Key": "abc"})
    again = _post(client, body, api["key"], **{"Idempotency-Key": "abc"})
    assert first.json["request_id"] == again.json["request_id"]


def test_the_customer_proves_the_order_with_its_number_and_email(client, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_number": "1001", "email": " Jane.Buyer@example.com ",
            "request": DEFECTIVE_HOODIE}
    assert _post(client, body).status_code == 201
    wrong = _post(client, {**body, "email": "someone@example.com"})
    assert (wrong.status_code, wrong.json["errors"][0]["field"]) == (401, "email")


def test_another_shops_key_cannot_touch_this_shop(client, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    assert _post(client, body, api["other"]).status_code == 403
    created = _post(client, body, api["key"]).json["request_id"]
    assert client.get(f"/api/v1/requests/{created}", headers={"Authorization": f"Bearer {api['other']}"}).status_code == 404
    assert client.get(f"/api/v1/requests/{created}").status_code == 401


@pytest.mark.parametrize("request_body, status, field", [
    ({**DEFECTIVE_HOODIE, "reason": "damagd"}, 422, "request.reason"),
    ({**DEFECTIVE_HOODIE, "items": [{"line_item_id": "9002"}]}, 422, "request.items[0].quantity"),
])
def test_a_bad_request_names_the_field(client, api, request_body, status, field):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": request_body}
    response = _post(client, body, api["key"])
    assert (response.status_code, response.json["errors"][0]["field"]) == (status, field)


def test_unknown_order_and_shop_are_404(client, api):
    assert _post(client, {"shop": "kaolate-demo.myshopify.com", "order_id": "1", "request": DEFECTIVE_HOODIE},
                 api["key"]).status_code == 404
    assert _post(client, {"shop": "nobody.myshopify.com", "order_id": "1", "request": DEFECTIVE_HOODIE},
                 api["key"]).status_code == 404


def test_a_decision_records_the_policy_version_it_used(client, rt, api, shops):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    _post(client, body, api["key"], **{"Idempotency-Key": "v1"})
    with transaction(rt.sessions) as session:
        version = set_policy(session, session.get(Shop, shops["shopify"].id), resolve_policy_path("kinectr").read_text())
    _post(client, body, api["key"], **{"Idempotency-Key": "v2"})
    with rt.sessions() as session:
        used = [d.policy_version_id for d in session.scalars(select(Decision).order_by(Decision.id))]
    assert used[-1] == version.id and used[0] != version.id


def test_evidence_sent_later_decides_the_request_again(client, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001",
            "request": {**DEFECTIVE_HOODIE, "evidence": {"photos": 0}}}
    created = _post(client, body, api["key"]).json
    assert created["decision"]["outcome"] == "needs_evidence"
    auth = {"Authorization": f"Bearer {api['key']}"}
    again = client.post(f"/api/v1/requests/{created['request_id']}/evidence", json={"photos": 2}, headers=auth)
    assert (again.status_code, again.json["decision"]["outcome"]) == (200, "approved")
    assert client.post(f"/api/v1/requests/{created['request_id']}/evidence", json={"selfies": 1},
                       headers=auth).status_code == 422


def test_an_inspection_applies_condition_fees_and_issues_the_refund(client, rt, queue, shops, api):
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["shopify"].id), resolve_policy_path("motion-hardware").read_text())
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001",
            "request": {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "changed_mind",
                        "items": [{"line_item_id": "9001", "quantity": 2}]}}
    created = _post(client, body, api["key"]).json
    assert [created["decision"]["outcome"], created["decision"]["refund"]["timing"]] == ["approved", "after_inspection"]
    auth = {"Authorization": f"Bearer {api['key']}"}
    inspected = client.post(f"/api/v1/requests/{created['request_id']}/inspection",
                            json={"items": {"9001": "unused"}, "by": "sam"}, headers=auth)
    refund = inspected.json["decision"]["refund"]
    # The story's refunds/create already refunded one of the two tees: only the other is refunded now.
    assert (refund["items"], refund["deductions"], refund["tax"], refund["total"]) == ("22.50", "2.25", "0.66", "20.91")
    assert inspected.json["decision"]["lines"][0]["quantity"] == 1
    shown = client.get(f"/api/v1/requests/{created['request_id']}", headers=auth).json
    assert [a["kind"] for a in shown["actions"]] == ["refund", "order_note"]
    with rt.sessions() as session:
        assert session.scalars(select(Decision.decided_by).order_by(Decision.id.desc())).first() == "inspection:sam"


def test_every_decision_notes_a_link_to_itself_in_the_settings_page(client, rt, api):
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": "5550001", "request": DEFECTIVE_HOODIE}
    request_id = _post(client, body, api["key"]).json["request_id"]
    with rt.sessions() as session:
        case = session.get(ReturnCase, request_id)
        decision = case.decisions[-1]
        note = decision.actions[-1]
        assert note.kind == "order_note"
        assert note.payload["text"].endswith(f"/app/activity/orders/{case.order_pk}#decision-{decision.id}")
