"""Return labels end to end: an approved return the merchant pays for gets one EasyPost label, bought
once even when answers are lost, attached to the Shopify return or sent as a WooCommerce customer note."""
import pytest
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action, ReturnCase
from integration.outbox.run import run_action
from integration.outbox.gateways import platform_gateway
from integration.shops.returns_setup import configure_returns
from integration.policy.loader import resolve_policy_path
from integration.shops.core import issue_api_key, set_policy
from tests.e2e.test_shopify_actions import ORDER, drain, seen, shopify  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.e2e.test_woocommerce_actions import ask, woo  # noqa: F401  (the fixture)
from tests.emulators.easypost import EasyPostEmulator
from tests.emulators.server import Served
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import post_fixture

WAREHOUSE = {"name": "Returns desk", "street1": "400 Maker Way", "city": "Portland", "state": "OR", "zip": "97201",
             "country": "US"}


@pytest.fixture()
def easypost(monkeypatch):
    emulator = EasyPostEmulator(api_key="EZTK_e2e")
    served = Served(emulator.app)
    monkeypatch.setenv("RETURNKIT_EASYPOST_API_BASE", f"{served.url}/v2")
    yield emulator
    served.stop()


def set_up_labels(rt, shop_id):
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shop_id), address=WAREHOUSE, easypost_api_key="EZTK_e2e")


def approve_defective_hoodie(client, rt, queue, shops, shopify):  # noqa: F811
    """Kaolate: a defective hoodie, photos sent later; the merchant pays the return."""
    shopify.state.add_return("2220001", lines=[("7001", 1)])
    replay(client, rt, queue, "shopify", STORY)
    post_fixture(client, "shopify", "returns_request", X_Shopify_Triggered_At="2026-05-12T10:00:00-06:00")
    replay(client, rt, queue, "shopify", [])
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    with rt.sessions() as session:
        case_id = session.scalar(select(ReturnCase.id))
    decision = client.post(f"/api/v1/requests/{case_id}/evidence", json={"photos": 2},
                           headers={"Authorization": f"Bearer {key}"}).json["decision"]
    assert (decision["outcome"], decision["return_shipping_paid_by"]) == ("approved", "merchant")
    return case_id


def actions_of_kind(rt, kind):
    with rt.sessions() as session:
        return session.scalars(select(Action).where(Action.kind == kind)).all()


def test_an_approved_shopify_return_gets_a_label_attached_to_it(client, rt, queue, shops, shopify, easypost):  # noqa: F811
    set_up_labels(rt, shops["shopify"].id)
    approve_defective_hoodie(client, rt, queue, shops, shopify)
    assert all(state == "succeeded" for state in drain(rt))
    assert seen(shopify)[2:] == ["ApproveReturn", "OrderShippingAddress", "ReturnForLabel", "AttachReturnLabel",
                                 "OrderNote", "UpdateOrderNote"]
    [shipment] = easypost.shipments.values()
    assert shipment["is_return"] and shipment["to_address"]["street1"] == "400 Maker Way"   # back to the merchant
    assert shipment["from_address"]["street1"] == "12 Test Lane"
    assert easypost.purchases == [shipment["id"]]
    [rfo] = shopify.state.returns["gid://shopify/Return/2220001"]["rfos"]
    [delivery] = rfo["reverseDeliveries"]["nodes"]
    assert delivery["label"] == shipment["postage_label"]["label_url"]
    assert delivery["tracking"]["number"] == shipment["tracking_code"] and delivery["notify"] is True
    [label] = actions_of_kind(rt, "return_label")
    assert label.result["label_url"] == delivery["label"]


def test_a_label_is_bought_once_when_every_answer_is_lost(client, rt, queue, shops, shopify, easypost):  # noqa: F811
    set_up_labels(rt, shops["shopify"].id)
    approve_defective_hoodie(client, rt, queue, shops, shopify)
    [approve] = actions_of_kind(rt, "approve_return")
    [label] = actions_of_kind(rt, "return_label")
    assert run_action(rt, approve.id, platform_gateway) == "succeeded"
    easypost.faults = ["lost", "lost@buy"]          # the shipment is created, then bought, and both answers lost
    shopify.faults = [None, None, "lost"]           # and the label is attached, and that answer lost too
    states = []
    for _ in range(4):
        with transaction(rt.sessions) as session:
            session.get(Action, label.id).next_attempt_at = utcnow()
        states.append(run_action(rt, label.id, platform_gateway))
        if states[-1] == "succeeded":
            break
    assert states == ["retrying", "retrying", "retrying", "succeeded"]
    assert len(easypost.purchases) == 1                       # two shipments created, one bought
    [rfo] = shopify.state.returns["gid://shopify/Return/2220001"]["rfos"]
    assert len(rfo["reverseDeliveries"]["nodes"]) == 1


def test_without_a_label_account_the_order_is_tagged_for_the_merchant(client, rt, queue, shops, shopify):  # noqa: F811
    approve_defective_hoodie(client, rt, queue, shops, shopify)
    assert not actions_of_kind(rt, "return_label")
    [tag] = actions_of_kind(rt, "tag_order")
    assert tag.payload["tag"] == "returnkit-label-needed"


def use_woo_policy(rt, shops, name):
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["woocommerce"].id), resolve_policy_path(name).read_text())


def test_a_woocommerce_customer_gets_the_label_link_in_a_customer_note(client, rt, queue, shops, woo, easypost):  # noqa: F811
    set_up_labels(rt, shops["woocommerce"].id)
    use_woo_policy(rt, shops, "kaolate")          # a defect comes back at the merchant's cost
    replay(client, rt, queue, "woocommerce", WOO_STORY)
    decision = ask(client, rt, shops, WRONG_ITEM).json["decision"]
    assert (decision["outcome"], decision["return_shipping_paid_by"]) == ("approved", "merchant")
    assert all(state == "succeeded" for state in drain(rt))
    [shipment] = easypost.shipments.values()
    assert shipment["from_address"]["zip"] == woo.orders["1201"]["shipping"]["postcode"]
    notes = [n for n in woo.notes["1201"] if n["customer_note"]]
    assert any(shipment["postage_label"]["label_url"] in n["note"] for n in notes)


def test_a_customer_paid_return_gets_instructions_with_the_return_address(client, rt, queue, shops, woo):  # noqa: F811
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shops["woocommerce"].id), address=WAREHOUSE)
    use_woo_policy(rt, shops, "motion-hardware")  # a change of mind comes back at the customer's cost
    replay(client, rt, queue, "woocommerce", WOO_STORY)
    decision = ask(client, rt, shops, CHANGED_MIND).json["decision"]
    assert (decision["outcome"], decision["return_shipping_paid_by"]) == ("approved", "customer")
    drain(rt)
    [note] = [n for n in woo.notes["1201"] if n["customer_note"]]
    assert "400 Maker Way, Portland, OR, 97201, US" in note["note"] and "at your own cost" in note["note"]


WRONG_ITEM = {"type": "return", "submitted_at": "2026-05-11T10:00:00-05:00", "reason": "defective",
              "items": [{"line_item_id": "41", "quantity": 1}], "evidence": {"photos": 2, "description": True},
              "preferred_resolution": "refund"}
CHANGED_MIND = {"type": "return", "submitted_at": "2026-05-11T10:00:00-05:00", "reason": "changed_mind",
                "items": [{"line_item_id": "41", "quantity": 1}], "preferred_resolution": "refund"}
