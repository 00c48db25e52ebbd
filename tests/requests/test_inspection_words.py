"""The inspection preview says which rule now decides in the merchant's words and quotes its clause: never a rule's
or a clause's id (issue 19, item 8)."""
from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.policy.engine import decide
from integration.requests.inspection_preview import changes
from tests.helpers import make_case
from tests.policy.test_engine import POLICY

GIFT_DAMAGED = make_case(reason="damaged_in_transit", evidence={"photos": 1}, is_gift=True, preferred="refund")


def _decided():
    decided = decide(POLICY, load_case(GIFT_DAMAGED))
    return decided, decision_json(decided)


def test_a_new_rule_and_its_adjustment_are_named_in_words_with_their_clauses():
    decided, after = _decided()
    assert after["rules"] == ["damaged", "gift"]
    before = {**after, "outcome": "needs_review", "rules": ["otherwise"]}
    assert changes(POLICY, decided, after, before) == [
        "The outcome changes from needs review to approved.",
        "Now decided by: The clause on damage (the policy says: “Damaged items: photos please.”); also applies: "
        "Gift order (the policy says: “Gift refunds go to the original payment method.”)."]


def test_the_same_rule_still_decides_when_only_the_terms_change():
    decided, after = _decided()
    before = {**after, "return_shipping_paid_by": "customer"}
    words = changes(POLICY, decided, after, before)
    assert words[0] == "Return shipping moves from the customer to the shop."
    assert words[1].startswith("Still decided by: The clause on damage (the policy says: “Damaged items: photos")
    assert "damaged" not in words[1] and "Rule " not in words[1] and "clause damage" not in words[1]
