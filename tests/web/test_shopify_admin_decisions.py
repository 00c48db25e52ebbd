"""A return approved or declined in Shopify's admin while its request waits for the merchant's review: recorded
as the merchant's decision at once, with nothing sent back to Shopify, and shown so on the queue and order page."""
import pytest
from sqlalchemy import select

from integration.db.request_models import ReturnCase
from tests.orders.test_picture import replay
from tests.request_helpers import UNLISTED_REASON, latest, shopify_story, submit
from tests.web_helpers import csrf_from, sign_in


@pytest.fixture()
def story(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    return client


def _order_page(client, rt, case_id) -> str:
    with rt.sessions() as session:
        order_pk = session.get(ReturnCase, case_id).order_pk
    return client.get(f"/app/activity/orders/{order_pk}").get_data(as_text=True)


def test_an_approval_in_shopify_admin_is_the_merchants_decision_and_sends_no_approval_back(story, rt, queue, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "2220001", source="shopify_return")
    assert latest(rt, case_id)["outcome"] == "needs_review"
    assert f'id="case-{case_id}"' in story.get("/app/review/").get_data(as_text=True)
    queued = []
    assert replay(story, rt, queue, "shopify", ["returns_approve"], actions=queued) == ["processed"]
    decided = latest(rt, case_id)
    assert (decided["outcome"], decided["decided_by"], decided["count"]) == ("approved", "merchant:Shopify admin", 2)
    review = decided["document"]["review"]
    assert (review["reason"], review["platform"], review["suggested"]["outcome"]) == (
        "decided in Shopify admin", "shopify", "needs_review")
    kinds = [kind for kind, _, _ in decided["actions"]]
    assert "approve_return" not in kinds and "order_note" in kinds
    assert queued == decided["action_ids"]
    queue_page = story.get("/app/review/").get_data(as_text=True)
    assert f'id="case-{case_id}"' not in queue_page and "Your decision (0)" in queue_page
    order_page = _order_page(story, rt, case_id)
    assert "approved in Shopify</strong>" in order_page and "Approved in Shopify by the merchant" in order_page


def test_a_decline_in_shopify_admin_is_recorded_without_declining_it_again(story, rt, queue, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "2220002", source="shopify_return")
    # the request's own webhook (its return row, which returns/decline finds the order by) takes no new decision
    names = ["returns_request__tee_unwanted", "returns_decline"]
    assert replay(story, rt, queue, "shopify", names) == ["processed"] * 2
    decided = latest(rt, case_id)
    assert (decided["outcome"], decided["decided_by"], decided["count"]) == ("denied", "merchant:Shopify admin", 2)
    assert [kind for kind, _, _ in decided["actions"]] == ["order_note"]
    assert "declined in Shopify</strong>" in _order_page(story, rt, case_id)


def test_a_decline_of_a_return_the_policy_already_decided_changes_nothing(story, rt, queue, shops):
    replay(story, rt, queue, "shopify", ["returns_request__tee_unwanted"])
    with rt.sessions() as session:
        case_id = session.scalar(select(ReturnCase.id).where(ReturnCase.source_ref == "2220002"))
    before = latest(rt, case_id)
    assert before["outcome"] == "denied" and before["decided_by"] == "policy"
    assert replay(story, rt, queue, "shopify", ["returns_decline"]) == ["processed"]
    assert latest(rt, case_id)["count"] == 1


def test_an_approval_made_through_returnkit_itself_is_not_recorded_twice(story, rt, queue, shops):
    case_id = submit(rt, shops["shopify"].id, UNLISTED_REASON, "2220001", source="shopify_return")
    token = csrf_from(story.get("/app/review/").data)
    story.post(f"/app/review/{case_id}/decide", data={"csrf_token": token, "decision": "approve",
                                                      "reason": "Goodwill", "reviewer": "Sam"})
    assert "approve_return" in [kind for kind, _, _ in latest(rt, case_id)["actions"]]
    assert replay(story, rt, queue, "shopify", ["returns_approve"]) == ["processed"]   # Shopify confirms ours
    assert (latest(rt, case_id)["count"], latest(rt, case_id)["decided_by"]) == (2, "merchant:Sam")
