"""Nothing refunded, or held by another open request, can be asked for again, on any channel."""
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.decide import record_inspection
from tests.request_helpers import UNLISTED_REASON, latest, shopify_story, submit, use_policy

TEE = {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "changed_mind",
       "items": [{"line_item_id": "9001", "quantity": 2}]}


def test_a_second_request_for_units_an_approved_one_holds_is_refused(client, rt, queue, shops):
    shopify_story(client, rt, queue)                  # two tees, one already refunded by the story
    shop_id = shops["shopify"].id
    use_policy(rt, shop_id, "motion-hardware")
    first = latest(rt, submit(rt, shop_id, TEE, "first"))["document"]
    assert (first["outcome"], first["lines"][0]["quantity"]) == ("approved", 1)   # only the tee left
    second = latest(rt, submit(rt, shop_id, TEE, "second"))["document"]
    assert (second["outcome"], second["rules"]) == ("denied", ["already-refunded"])
    assert "another open request holds them" in second["explanation"]


def test_a_request_waiting_for_evidence_holds_nothing(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    shop_id = shops["shopify"].id
    waiting = {**TEE, "reason": "defective", "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 0}}
    assert latest(rt, submit(rt, shop_id, waiting, "a"))["document"]["outcome"] == "needs_evidence"
    complete = {**waiting, "evidence": {"photos": 2}}
    assert latest(rt, submit(rt, shop_id, complete, "b"))["document"]["outcome"] == "approved"


def test_a_request_decided_again_does_not_hold_against_itself(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    shop_id = shops["shopify"].id
    use_policy(rt, shop_id, "motion-hardware")
    case_id = submit(rt, shop_id, TEE, "first")
    with transaction(rt.sessions) as session:
        record_inspection(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id), {"9001": "unused"}, "R")
    again = latest(rt, case_id)["document"]
    assert (again["outcome"], again["lines"][0]["quantity"]) == ("approved", 1)


def test_a_reviewed_request_holds_its_units_until_decided(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    shop_id = shops["shopify"].id
    assert latest(rt, submit(rt, shop_id, UNLISTED_REASON, "b"))["document"]["outcome"] == "needs_review"
    assert latest(rt, submit(rt, shop_id, UNLISTED_REASON, "c"))["document"]["outcome"] == "denied"
