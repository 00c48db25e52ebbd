"""The action plan of a decision (pure): return shipping, what the merchant ships, the note last."""
from integration.outbox.plan import LABEL_NEEDED_TAG, ReturnLogistics, plan_actions


def decision(**overrides):
    base = {"outcome": "approved", "resolution": "refund", "return_required": True, "return_shipping_paid_by": "merchant",
            "refund": {"total": "20.00", "currency": "USD", "shipping": "0.00", "timing": "after_inspection"},
            "lines": [{"line_item_id": "7", "quantity": 1, "outcome": "approved"}], "rules": ["r"],
            "explanation": "Approved.", "deadline": None}
    return {**base, **overrides}


def kinds(actions):
    return [a.kind for a in actions]


def test_the_merchant_pays_a_label_when_an_account_is_set_up_else_the_order_is_tagged():
    with_labels = plan_actions("shopify", "1", {"return_id": "9"}, decision(), logistics=ReturnLogistics(labels=True))
    assert kinds(with_labels) == ["approve_return", "return_label", "order_note"]
    assert with_labels[1].payload == {"order_id": "1", "return_id": "9", "lines": [["7", 1]]}
    without = plan_actions("shopify", "1", {}, decision())
    assert kinds(without) == ["tag_order", "order_note"] and without[0].payload["tag"] == LABEL_NEEDED_TAG


def test_the_customer_pays_and_is_told_where_to_send_it():
    actions = plan_actions("woocommerce", "1", {}, decision(return_shipping_paid_by="customer"),
                           logistics=ReturnLogistics(address="1 Way, X, US"))
    assert kinds(actions) == ["customer_note", "order_note"]
    assert "to 1 Way, X, US, at your own cost" in actions[0].payload["text"]


def test_nothing_about_shipping_once_the_items_are_back_or_when_nothing_goes_back():
    assert kinds(plan_actions("shopify", "1", {"inspected": True}, decision(refund={**decision()["refund"], "total": "0"})
                              )) == ["order_note"]
    assert kinds(plan_actions("shopify", "1", {}, decision(return_required=False, return_shipping_paid_by=None,
                                                           refund={**decision()["refund"], "total": "0"}))) == ["order_note"]


def test_a_replacement_is_noted_for_the_merchant_to_ship():
    actions = plan_actions("shopify", "1", {}, decision(resolution="replacement", return_required=False,
                                                        return_shipping_paid_by=None))
    assert kinds(actions) == ["order_note", "order_note"]
    assert actions[0].payload["text"] == "returnkit: ship a replacement for 1 x line 7."


def test_an_api_return_on_shopify_opens_a_return_before_its_label_and_on_woocommerce_none():
    api = {"case_id": 12, "type": "return", "submitted_at": "2026-05-12T10:00:00-06:00"}
    shopify = plan_actions("shopify", "1", api, decision(), logistics=ReturnLogistics(labels=True))
    assert kinds(shopify) == ["create_return", "return_label", "order_note"]
    assert shopify[0].payload == {"order_id": "1", "lines": [["7", 1]], "marker": "returnkit-case-12",
                                  "requested_at": api["submitted_at"], "exchanges": []}
    assert shopify[1].payload["return_marker"] == "returnkit-case-12"
    assert kinds(plan_actions("woocommerce", "1", api, decision(), logistics=ReturnLogistics(labels=True))) == [
        "return_label", "order_note"]
    assert kinds(plan_actions("shopify", "1", {**api, "type": "cancellation"}, decision(return_required=False,
                 return_shipping_paid_by=None))) == ["order_note"]


def test_a_missing_photo_note_says_where_to_send_it_and_the_order_note_links_the_decision():
    asked = decision(outcome="needs_evidence", explanation="We need photos of the damage.")
    actions = plan_actions("woocommerce", "1", {}, asked, link="https://rk.example/app/activity/orders/3#decision-5",
                           request_page="https://rk.example/r/shop.example")
    assert kinds(actions) == ["customer_note", "order_note"]
    assert actions[0].payload["text"].startswith("We need photos of the damage. Send it on https://rk.example/r/shop.example")
    assert actions[1].payload["text"].endswith(" https://rk.example/app/activity/orders/3#decision-5")

