"""Approving on review with the merchant's choice: each resolution the policy allows, keep the item, a partial refund."""
import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.decide import RequestError, record_inspection
from integration.requests.review import approve_offer, decide_on_review
from tests.helpers import contract_validator
from tests.request_helpers import DEFECTIVE_NO_PHOTOS, UNLISTED_REASON, latest, shopify_story, submit, use_policy


@pytest.fixture()
def shop_id(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    return shops["shopify"].id


def _approve(rt, shop_id, case_id, resolution="", amount="", reason="Loyal customer"):
    with transaction(rt.sessions) as session:
        decide_on_review(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id), "approve", reason,
                         "Sam Lee", resolution, amount)
    decided = latest(rt, case_id)
    contract_validator("decision").validate(decided["document"])
    return decided


def _offer(rt, shop_id, case_id):
    with rt.sessions() as session:
        return approve_offer(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id))


def _refunds(decided):
    return [payload for kind, _, payload in decided["actions"] if kind == "refund"]


def test_a_request_the_policy_left_open_offers_every_resolution_and_a_partial_refund(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")   # kaolate: no rule covers "other"
    offer = _offer(rt, shop_id, case_id)
    assert [value for value, _ in offer.choices()] == [
        "refund", "replacement", "exchange", "store_credit", "keep_item", "partial_refund"]
    assert (offer.default, offer.cap_words) == ("refund", "23.16 USD")   # one tee left, with its tax


def test_a_rule_offers_its_own_resolutions_and_a_partial_refund_up_to_the_items_value(rt, shop_id):
    use_policy(rt, shop_id, "kinectr")   # a defect: replacement, repair or refund, once the photos are in
    case_id = submit(rt, shop_id, DEFECTIVE_NO_PHOTOS, "a")
    offer = _offer(rt, shop_id, case_id)
    assert offer.resolutions == ("replacement", "repair", "refund") and offer.default == "replacement"
    assert offer.cap_words == "60.00 USD"   # the policy refunds nothing (a replacement): the hoodie's value


@pytest.mark.parametrize("resolution, total", [("replacement", "0.00"), ("repair", "0.00"), ("refund", "61.74")])
def test_each_resolution_chosen_is_recorded_as_the_decision(rt, shop_id, resolution, total):
    use_policy(rt, shop_id, "kinectr")
    case_id = submit(rt, shop_id, DEFECTIVE_NO_PHOTOS, "a")
    decided = _approve(rt, shop_id, case_id, resolution)
    doc = decided["document"]
    assert (decided["outcome"], doc["resolution"], doc["refund"]["total"]) == ("approved", resolution, total)
    assert doc["review"]["resolution"] == resolution and "amount" not in doc["review"]


@pytest.mark.parametrize("resolution, method, total", [
    ("replacement", None, "0.00"), ("exchange", None, "0.00"), ("store_credit", "store_credit", "23.16")])
def test_the_merchants_choice_on_an_open_request_is_recorded_with_its_actions(rt, shop_id, resolution, method, total):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")
    decided = _approve(rt, shop_id, case_id, resolution)
    doc = decided["document"]
    assert (doc["resolution"], doc["refund"]["method"], doc["refund"]["total"]) == (resolution, method, total)
    assert doc["resolution_options"][0] == resolution and decided["actions"]


def test_keeping_the_item_refunds_at_once_with_no_return(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")
    decided = _approve(rt, shop_id, case_id, "keep_item")
    doc = decided["document"]
    assert (doc["resolution"], doc["return_required"], doc["refund"]["timing"]) == ("refund", False, "on_approval")
    assert [(p["amount"], p["restock"]) for p in _refunds(decided)] == [("23.16", [])]
    assert "return_label" not in [kind for kind, _, _ in decided["actions"]]


def test_a_partial_refund_is_the_refund_actions_amount_and_the_explanation_says_so(rt, shop_id):
    use_policy(rt, shop_id, "kinectr")
    case_id = submit(rt, shop_id, DEFECTIVE_NO_PHOTOS, "a")
    decided = _approve(rt, shop_id, case_id, "partial_refund", "12.00", "Stitching came loose; keep it as is")
    doc = decided["document"]
    assert doc["explanation"].startswith("Approved by the merchant on review: Stitching came loose; keep it as is. "
                                         "Resolution: a partial refund of 12.00 USD.")
    assert (doc["refund"]["total"], doc["review"]["amount"]) == ("12.00", "12.00")
    assert [(p["amount"], p["currency"]) for p in _refunds(decided)] == [("12.00", "USD")]


def test_a_partial_refund_waiting_for_the_inspection_keeps_its_amount_through_it(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")   # kaolate: refunds after inspection
    assert _refunds(_approve(rt, shop_id, case_id, "partial_refund", "10.00")) == []
    with transaction(rt.sessions) as session:
        record_inspection(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id), {"9001": "unused"},
                          "Robin")
    decided = latest(rt, case_id)
    assert decided["document"]["refund"]["total"] == "10.00"
    assert [p["amount"] for p in _refunds(decided)] == ["10.00"]


@pytest.mark.parametrize("resolution, amount, message", [
    ("partial_refund", "", "amount: give the partial refund, at most 23.16 USD"),
    ("partial_refund", "ten", "amount: write a number such as 12.00, not 'ten'"),
    ("partial_refund", "1.005", "amount: USD has 2 decimal(s); write it like 12.00"),
    ("partial_refund", "0", "amount: a partial refund is more than 0"),
    ("partial_refund", "23.17", "amount: at most 23.16 USD"),
    ("refund", "5.00", "amount: only a partial refund takes an amount"),
    ("repair", "", "resolution: choose one of refund, replacement, exchange, store_credit, keep_item, partial_refund"),
])
def test_a_bad_choice_is_refused_naming_the_field_and_the_fix(rt, shop_id, resolution, amount, message):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")
    with pytest.raises(RequestError) as caught:
        _approve(rt, shop_id, case_id, resolution, amount)
    assert caught.value.status == 422 and caught.value.errors[0].startswith(message)
    assert latest(rt, case_id)["count"] == 1


def test_denying_ignores_the_resolution_fields(rt, shop_id):
    case_id = submit(rt, shop_id, UNLISTED_REASON, "a")
    with transaction(rt.sessions) as session:
        decide_on_review(session, session.get(Shop, shop_id), session.get(ReturnCase, case_id), "deny", "Worn",
                         "Sam", "partial_refund", "ten")
    assert latest(rt, case_id)["outcome"] == "denied"
