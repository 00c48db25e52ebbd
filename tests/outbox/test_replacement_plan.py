"""Replacements and repairs planned: an order created at no cost where the merchant lets returnkit, else a staff note."""
import pytest

from adapters.registry import ADAPTERS
from integration.db.models import Shop
from integration.outbox.plan import ReturnLogistics, plan_actions
from integration.shops.replacements import chosen_modes, replacement_mode, set_modes
from tests.adapters import fake_platform as fake


def decision(item_class="custom", resolution="replacement", required=False) -> dict:
    return {"outcome": "approved", "resolution": resolution, "return_required": required,
            "return_shipping_paid_by": "merchant" if required else None, "rules": ["r"], "explanation": "Yes.",
            "deadline": None, "refund": {"total": "0.00", "currency": "USD", "shipping": "0.00", "timing": "on_approval"},
            "lines": [{"line_item_id": "42", "quantity": 1, "outcome": "approved", "item_class": item_class},
                      {"line_item_id": "41", "quantity": 2, "outcome": "denied", "item_class": item_class}]}


AUTOMATIC = ReturnLogistics(replacements={"custom": "automatic"})
CASE = {"case_id": 12, "type": "return"}


def kinds(actions):
    return [a.kind for a in actions]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_custom_item_is_left_to_the_merchant_unless_set_to_automatic(platform):
    left = plan_actions(platform, "1201", CASE, decision())
    assert kinds(left) == ["order_note", "order_note"]
    assert left[0].payload["text"] == "returnkit: ship a replacement for 1 x line 42."
    created = plan_actions(platform, "1201", CASE, decision(), logistics=AUTOMATIC)
    assert kinds(created) == ["create_replacement", "order_note"]
    assert created[0].payload == {"order_id": "1201", "lines": [["42", 1]], "marker": "returnkit-replacement-case-12"}


def test_a_standard_item_is_replaced_automatically_by_default_but_a_repair_is_the_merchants():
    shopify_return = {"return_id": "gid://shopify/Return/55", "type": "return"}
    actions = plan_actions("shopify", "1", shopify_return, decision("standard"))
    assert kinds(actions) == ["approve_return", "create_replacement", "close_return", "order_note"]
    assert actions[1].payload["marker"] == "returnkit-replacement-return-55"
    repair = plan_actions("shopify", "1", shopify_return, decision("standard", "repair"))
    assert kinds(repair) == ["approve_return", "order_note", "close_return", "order_note"]
    assert repair[1].payload["text"] == "returnkit: ship the repaired item for 1 x line 42."
    assert actions[2].payload == {"return_id": "gid://shopify/Return/55", "lines": [["42", 1]]}


def test_a_kept_items_platform_return_is_closed_only_when_no_refund_settles_it():
    shopify_return = {"return_id": "55", "type": "return"}
    refunded = decision("standard", "refund")
    refunded["refund"] = {**refunded["refund"], "total": "12.00"}
    assert kinds(plan_actions("shopify", "1", shopify_return, refunded)) == ["approve_return", "refund", "order_note"]
    later = {**refunded, "refund": {**refunded["refund"], "timing": "after_inspection"}}
    assert "close_return" not in kinds(plan_actions("shopify", "1", shopify_return, later))
    sent_back = decision("standard", required=True)
    assert "close_return" not in kinds(plan_actions("shopify", "1", shopify_return, sent_back))


def test_a_replacement_waits_for_a_return_still_to_come_back_then_is_created():
    waiting = plan_actions("woocommerce", "1", CASE, decision(required=True), logistics=AUTOMATIC)
    assert "create_replacement" not in kinds(waiting)
    assert any(a.payload.get("text", "").endswith("once the return arrives.") for a in waiting)
    back = plan_actions("woocommerce", "1", {**CASE, "inspected": True}, decision(required=True), logistics=AUTOMATIC)
    assert kinds(back) == ["create_replacement", "order_note"]


def test_an_exchange_and_a_platform_that_cannot_create_orders_keep_the_staff_note(monkeypatch):
    assert "create_replacement" not in kinds(plan_actions("shopify", "1", CASE, decision("standard", "exchange")))
    monkeypatch.setitem(ADAPTERS, fake.NAME, fake.ADAPTER)
    assert kinds(plan_actions(fake.NAME, "1", CASE, decision(), logistics=AUTOMATIC)) == ["order_note", "order_note"]
    assert "ship the replacement yourself" in fake.FakeActions.unsupported["create_replacement"]


def test_the_setting_defaults_and_refuses_an_unknown_choice_naming_the_field():
    assert (replacement_mode("standard", {}), replacement_mode("custom", {}), replacement_mode(None, {})) == (
        "automatic", "manual", "automatic")
    shop = Shop(platform="shopify", domain="x.myshopify.com", webhook_secret="s", settings={"return_address": {"a": 1}})
    assert set_modes(shop, {"replacement[custom]": "automatic", "replacement[ghost]": "automatic"}, ["custom"]) == {
        "custom": "automatic"}
    assert chosen_modes(shop) == {"custom": "automatic"} and shop.settings["return_address"] == {"a": 1}
    with pytest.raises(ValueError, match=r"replacement\[custom\]: 'always' is not a choice"):
        set_modes(shop, {"replacement[custom]": "always"}, ["custom"])

