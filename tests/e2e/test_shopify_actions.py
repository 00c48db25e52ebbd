"""End to end on Shopify: a signed webhook or an API request in, the exact GraphQL seen by the emulator out."""
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action
from integration.policy.loader import resolve_policy_path
from integration.outbox.run import run_action
from integration.outbox.gateways import platform_gateway
from integration.shops.core import issue_api_key, set_policy
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import post_fixture

ORDER = "5550001"


@contextmanager
def served_shopify(rt, shop_id: int, set_up=lambda session, shop: None):
    """The Shopify emulator holding the story's order, the shop pointed at it (`set_up` may change the shop more)."""
    emulator = ShopifyEmulator(token="shpat_e2e")
    served = Served(emulator.app)
    emulator.state.add_order(ORDER, [("9001", 2, "22.50", "0.655"), ("9002", 1, "60.00", "1.74")], shipping="6.50")
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        shop.api_base_url, shop.api_token = served.url, "shpat_e2e"
        set_up(session, shop)
    try:
        yield emulator
    finally:
        served.stop()


@pytest.fixture()
def shopify(rt, shops):
    with served_shopify(rt, shops["shopify"].id) as emulator:
        yield emulator


def use_policy(rt, shops, name):
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shops["shopify"].id), resolve_policy_path(name).read_text())


def drain(rt) -> list[str]:
    """Run every action that is due, as the worker would; their final states."""
    with rt.sessions() as session:
        ids = session.scalars(select(Action.id).where(Action.state.in_(("pending", "retrying"))).order_by(Action.id)).all()
    return [run_action(rt, i, platform_gateway) for i in ids]


def seen(emulator) -> list[str]:
    return [name for name, _ in emulator.calls]


def api_request(client, rt, shops, request, **headers):
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": ORDER, "request": request}
    return client.post("/api/v1/requests", json=body, headers={"Authorization": f"Bearer {key}", **headers}), key


def test_denied_platform_return_is_declined_with_the_clause(client, rt, queue, shops, shopify):
    shopify.state.add_return("2220002")
    replay(client, rt, queue, "shopify", STORY + ["returns_request__tee_unwanted"])
    assert drain(rt) == ["succeeded", "succeeded"]
    assert seen(shopify) == ["DeclineReturn", "OrderNote", "UpdateOrderNote"]
    decline = shopify.calls[0][1]["input"]
    assert (decline["id"], decline["declineReason"]) == ("gid://shopify/Return/2220002", "OTHER")
    assert "We accept returns and exchanges under the following conditions" in decline["declineNote"]
    assert shopify.state.returns["gid://shopify/Return/2220002"]["status"] == "DECLINED"
    note = shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["note"]
    assert note.startswith("returnkit: denied (customer-reason-return).")


def test_needs_evidence_then_approved_once_photos_arrive(client, rt, queue, shops, shopify):
    shopify.state.add_return("2220001")
    replay(client, rt, queue, "shopify", STORY)
    post_fixture(client, "shopify", "returns_request", X_Shopify_Triggered_At="2026-05-12T10:00:00-06:00")
    replay(client, rt, queue, "shopify", [])  # the defective hoodie, asked for on day 2, with no photos
    assert drain(rt) == ["succeeded"] and seen(shopify) == ["OrderNote", "UpdateOrderNote"]
    assert "Please send photos" in shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["note"]
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    from integration.db.request_models import ReturnCase
    with rt.sessions() as session:
        case_id = session.scalar(select(ReturnCase.id))
    response = client.post(f"/api/v1/requests/{case_id}/evidence", json={"photos": 2},
                           headers={"Authorization": f"Bearer {key}"})
    assert response.json["decision"]["outcome"] == "approved"
    assert drain(rt) == ["succeeded", "succeeded", "succeeded"]
    # the shop pays this return's shipping and has no label account yet: the order is tagged to ask for a label
    assert seen(shopify)[2:] == ["ApproveReturn", "TagOrder", "OrderNote", "UpdateOrderNote"]
    assert shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["tags"] == ["returnkit-label-needed"]
    assert shopify.state.returns["gid://shopify/Return/2220001"]["status"] == "OPEN"


def test_needs_review_tags_the_order(client, rt, queue, shops, shopify):
    replay(client, rt, queue, "shopify", STORY)
    response, _ = api_request(client, rt, shops, {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00",
                                                  "reason": "other", "items": [{"line_item_id": "9001", "quantity": 1}]})
    assert response.json["decision"]["outcome"] == "needs_review"
    drain(rt)
    assert seen(shopify)[0] == "TagOrder"
    assert shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["tags"] == ["returnkit-review"]


def test_cancellation_before_production_cancels_with_refund_and_restock(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    response, _ = api_request(client, rt, shops, {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"})
    assert (response.json["decision"]["outcome"], response.json["decision"]["resolution"]) == ("approved", "cancel_and_refund")
    drain(rt)
    assert seen(shopify)[0] == "CancelOrder"
    cancel = shopify.calls[0][1]
    assert (cancel["orderId"], cancel["refundMethod"], cancel["restock"]) == (
        f"gid://shopify/Order/{ORDER}", {"originalPaymentMethodsRefund": True}, True)
    assert shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["cancelled"]
    assert shopify.refunded(ORDER) == Decimal("114.55")   # the whole order, tax included


def test_a_cancellation_succeeds_only_once_shopifys_job_is_done(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    shopify.state.hold_jobs = True
    api_request(client, rt, shops, {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"})
    assert drain(rt)[0] == "retrying"          # the job is queued, the order not cancelled yet
    assert not shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["cancelled"]
    shopify.state.hold_jobs = False
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.state == "retrying")):
            action.next_attempt_at = action.created_at
    assert drain(rt)[0] == "succeeded"
    assert seen(shopify).count("CancelOrder") == 1 and seen(shopify).count("CancelJob") == 2   # polled, not resent


def test_refund_after_inspection_withholds_the_condition_fee(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "motion-hardware")
    replay(client, rt, queue, "shopify", STORY)
    response, key = api_request(client, rt, shops, {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00",
                                                    "reason": "changed_mind",
                                                    "items": [{"line_item_id": "9002", "quantity": 1}]})
    case_id = response.json["request_id"]
    drain(rt)
    inspected = client.post(f"/api/v1/requests/{case_id}/inspection", json={"items": {"9002": "damaged"}},
                            headers={"Authorization": f"Bearer {key}"})
    # 60.00 less the up-to-90 % damage fee (taken on the price before tax), and the hoodie's 1.74 tax back
    assert inspected.json["decision"]["refund"]["total"] == "7.74"
    assert drain(rt) == ["succeeded", "succeeded"]
    processed = dict(shopify.calls)["ProcessReturn"]["input"]   # the return it opened is settled with it
    assert processed["financialTransfer"]["issueRefund"]["orderTransactions"][0]["transactionAmount"]["amount"] == "7.74"
    assert shopify.refunded(ORDER) == Decimal("7.74")


def test_a_lost_answer_and_a_retry_refund_exactly_once(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    replay(client, rt, queue, "shopify", ["orders_create"])
    shopify.faults.extend(["lost"])
    api_request(client, rt, shops, {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"})
    assert drain(rt)[0] == "retrying"            # the cancel went through; its answer did not
    with transaction(rt.sessions) as session:
        for action in session.scalars(select(Action).where(Action.state == "retrying")):
            action.next_attempt_at = action.created_at
    assert drain(rt)[0] == "succeeded"          # "already cancelled": the shop's own state says it is done
    assert seen(shopify).count("CancelOrder") == 2 and "OrderCancelled" in seen(shopify)
    assert shopify.refunded(ORDER) == Decimal("114.55")   # 45.00 + 60.00 + 6.50 shipping + 3.05 tax, once
