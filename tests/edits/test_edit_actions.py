"""An approved edit, planned and carried out against the Shopify and WooCommerce emulators."""
import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from integration.domain import actions as act
from integration.domain.actions import payload_json
from integration.outbox.plan import plan_actions
from tests.e2e.lost_answer_world import ORDER_GID, SHOPIFY_ORDER as S, WOO_ORDER as W, Steps, World
from tests.e2e.test_lost_answers import NEW_ADDRESS, _editable

LINE_GID = "gid://shopify/LineItem/1"


@pytest.fixture
def world(request):
    """The platform's emulator with the lost-answer world's order (Shopify: not shipped yet), nothing lost."""
    platform, prepare = request.param
    made = World(platform, Steps(lambda call: False), prepare)
    yield made
    made.close()


def _perform(world, payload, key="returnkit-9-0", ledger=None) -> dict:
    return world.gateway().perform(payload.kind.value, payload_json(payload), key, ledger or Ledger())


@pytest.mark.parametrize("world", [("shopify", None)], indirect=True)
def test_shopify_address_change_is_order_update_with_the_mailing_address(world):
    _perform(world, act.ChangeAddress(S, NEW_ADDRESS))
    [(name, variables)] = world.shop.calls
    assert (name, variables) == ("UpdateShippingAddress", {"input": {"id": ORDER_GID, "shippingAddress": {
        "firstName": "Sam", "lastName": "Rivera", "address1": "400 Pine St", "city": "Denver", "provinceCode": "CO",
        "zip": "80202", "countryCode": "US"}}})
    address = world.shop.state.orders[ORDER_GID]["address"]
    assert (address["address1"], address["city"], address["countryCodeV2"], address["address2"]) == (
        "400 Pine St", "Denver", "US", None)


@pytest.mark.parametrize("world", [("shopify", _editable)], indirect=True)
def test_shopify_variant_change_is_one_committed_order_edit_that_tells_the_customer_nothing(world):
    made = _perform(world, act.ChangeVariant(S, "1", "44440002", 1), key="returnkit-9-0-change_variant")
    calls = dict(world.shop.calls)
    assert [name for name, _ in world.shop.calls] == ["OrderLinesForEdit", "BeginOrderEdit", "AddVariantToEdit",
                                                       "SetEditQuantity", "CommitOrderEdit"]
    session = made["calculated_order"]
    assert calls["AddVariantToEdit"] == {"id": session, "variantId": "gid://shopify/ProductVariant/44440002",
                                         "quantity": 1}
    assert calls["SetEditQuantity"] == {"id": session, "lineItemId": "gid://shopify/CalculatedLineItem/1", "quantity": 1}
    assert calls["CommitOrderEdit"] == {"id": session, "staffNote": "returnkit returnkit-9-0-change_variant"}
    state = world.shop.state
    order = state.orders[ORDER_GID]
    assert sorted((state.variants[line][0][-8:], state.current_quantity(order, line)) for line in order["lines"]) == [
        ("44440001", 1), ("44440002", 1)]


@pytest.mark.parametrize("world", [("shopify", _editable)], indirect=True)
def test_a_retry_after_the_commit_answer_was_lost_finds_the_edit_made_and_makes_no_second(world):
    ledger, payload = Ledger(), act.ChangeVariant(S, "1", "44440002", 2)
    world.shop.faults = [None, None, None, None, "lost"]   # four calls answered; the commit applied, its answer lost
    with pytest.raises(PlatformError) as lost:
        _perform(world, payload, ledger=ledger)
    assert lost.value.retryable and ledger.get("units_before") == [2, 0]
    assert _perform(world, payload, ledger=ledger) == {"order": ORDER_GID, "skipped": "already changed"}
    order = world.shop.state.orders[ORDER_GID]
    assert len(order["edit_notes"]) == 1 and world.shop.state.current_quantity(order, LINE_GID) == 0


@pytest.mark.parametrize("world", [("shopify", None)], indirect=True)
def test_a_shipped_line_cannot_change_variant_and_the_error_says_so(world):
    world.shop.state.set_variant(S, "1", "44440001")
    world.shop.state.add_variant("44440002", "40.00")
    with pytest.raises(PlatformError) as refused:
        _perform(world, act.ChangeVariant(S, "1", "44440002", 1))
    assert not refused.value.retryable and "line 1 has 0 unit(s) left to change" in str(refused.value)
    assert "edit_notes" not in world.shop.state.orders[ORDER_GID]


@pytest.mark.parametrize("world", [("woocommerce", None)], indirect=True)
def test_woocommerce_address_change_sends_every_shipping_field_so_none_of_the_old_address_stays(world):
    world.shop.orders[W]["shipping"] = {**world.shop.orders[W].get("shipping", {}), "address_2": "Apt 9",
                                        "company": "Old Co"}
    _perform(world, act.ChangeAddress(W, NEW_ADDRESS))
    [(method, path, body)] = world.shop.calls
    assert (method, path) == ("PUT", f"orders/{W}")
    assert body == {"shipping": {"first_name": "Sam", "last_name": "Rivera", "company": "", "address_1": "400 Pine St",
                                 "address_2": "", "city": "Denver", "state": "CO", "postcode": "80202",
                                 "country": "US", "phone": ""}}
    shipping = world.shop.orders[W]["shipping"]
    assert (shipping["address_1"], shipping["address_2"], shipping["company"]) == ("400 Pine St", "", "")


def _decision(outcome="approved", lines=(("11", 2, "approved"),)) -> dict:
    return {"outcome": outcome, "resolution": "edit" if outcome != "denied" else "none", "return_required": False,
            "return_shipping_paid_by": None, "explanation": "Because.", "rules": ["edits-first-day"],
            "deadline": None, "refund": {"total": "0.00", "currency": "USD", "shipping": "0.00", "timing": "none"},
            "lines": [{"line_item_id": li, "quantity": q, "outcome": o, "item_class": "standard"} for li, q, o in lines]}


def _plan(platform: str, edit: dict, decision: dict) -> list[tuple[str, dict]]:
    source = {"case_id": 9, "type": "edit", "edit": edit}
    return [(p.kind.value, p.payload) for p in plan_actions(platform, "1001", source, decision)]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_an_approved_address_edit_plans_the_change_and_the_staff_note_only(platform):
    planned = _plan(platform, {"kind": "address", "address": NEW_ADDRESS}, _decision())
    assert planned[0] == ("change_address", {"order_id": "1001", "address": NEW_ADDRESS})
    assert [kind for kind, _ in planned] == ["change_address", "order_note"]


def test_a_variant_edit_changes_the_approved_units_on_shopify_and_is_a_staff_note_on_woocommerce():
    edit = {"kind": "variant", "line_item_id": "11", "variant_id": "44440009", "quantity": 5}
    assert _plan("shopify", edit, _decision())[0] == ("change_variant", {
        "order_id": "1001", "line_id": "11", "variant_id": "44440009", "quantity": 2})
    kind, payload = _plan("woocommerce", edit, _decision())[0]
    assert kind == "order_note" and "2 x line 11 to variant 44440009" in payload["text"]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_personalisation_edit_is_a_note_for_the_maker(platform):
    planned = _plan(platform, {"kind": "personalisation", "line_item_id": "11", "text": "A & J"}, _decision())
    assert planned[0][0] == "order_note" and '"A & J"' in planned[0][1]["text"]
    assert len(planned) == 2


def test_a_denied_or_reviewed_edit_changes_nothing():
    edit = {"kind": "address", "address": NEW_ADDRESS}
    denied = _plan("shopify", edit, _decision("denied", (("11", 2, "denied"),)))
    assert [kind for kind, _ in denied] == ["customer_note", "order_note"]
    review = _plan("woocommerce", edit, _decision("needs_review", (("11", 2, "needs_review"),)))
    assert [kind for kind, _ in review] == ["tag_order", "order_note"]
    # The merchant reviewing it reads what the customer asks for.
    assert review[-1][1]["text"].endswith("Because. The customer asks to ship to: Sam Rivera, 400 Pine St, Denver, "
                                          "CO, 80202, US.")
