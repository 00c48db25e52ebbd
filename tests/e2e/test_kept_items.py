"""Keep the item: the policy waives the return, so the refund or the replacement goes ahead with no label and nothing
to wait for, and a Shopify return the customer opened is processed with its items not restocked."""
from decimal import Decimal

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import Action, ReturnCase
from integration.shops.core import issue_api_key
from integration.shops.returns_setup import configure_returns, labels_ready
from tests.e2e.test_replacements import automatic
from tests.e2e.test_shopify_actions import ORDER, api_request, drain, seen, shopify, use_policy  # noqa: F401
from tests.e2e.test_woocommerce_actions import DAMAGED, ask, woo  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import ORDER as WOO_ORDER
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.orders.test_picture import STORY, replay
from tests.webhook_helpers import post_fixture

ADDRESS = {"name": "Returns desk", "street1": "1 Way", "city": "Madison", "state": "WI", "zip": "53703",
           "country": "US"}


def labels_set_up(rt, shop_id) -> None:
    """The merchant could buy labels: a kept item must still get none."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        configure_returns(shop, address=ADDRESS, easypost_api_key="EZTK_unused")
        assert labels_ready(shop)


def kinds(rt) -> list[str]:
    with rt.sessions() as session:
        return list(session.scalars(select(Action.kind).order_by(Action.id)))


def test_shopify_a_kept_item_is_refunded_with_no_label_and_no_return(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    labels_set_up(rt, shops["shopify"].id)
    replay(client, rt, queue, "shopify", STORY)
    response, _ = api_request(client, rt, shops, {**DAMAGED, "submitted_at": "2026-05-12T10:00:00-06:00",
                                                  "items": [{"line_item_id": "9002", "quantity": 1}]})
    decision = response.json["decision"]
    assert (decision["resolution"], decision["return_required"]) == ("refund", False)
    assert set(drain(rt)) == {"succeeded"}
    assert kinds(rt) == ["refund", "order_note"]
    assert "CreateReturn" not in seen(shopify) and "AttachReturnLabel" not in seen(shopify)
    assert shopify.refunded(ORDER) == Decimal(decision["refund"]["total"]) > 0


def test_woocommerce_a_kept_item_is_refunded_with_no_label(client, rt, queue, shops, woo):
    labels_set_up(rt, shops["woocommerce"].id)
    replay(client, rt, queue, "woocommerce", WOO_STORY)
    decision = ask(client, rt, shops, DAMAGED).json["decision"]
    assert (decision["resolution"], decision["return_required"]) == ("refund", False)
    assert set(drain(rt)) == {"succeeded"}
    assert kinds(rt) == ["refund", "order_note"]
    assert sum(Decimal(r["amount"]) for r in woo.refunds[WOO_ORDER]) == Decimal(decision["refund"]["total"]) > 0
    assert not any("return label" in n["note"] for n in woo.notes[WOO_ORDER])


def test_shopify_a_kept_replacement_closes_the_customers_return_not_restocked(client, rt, queue, shops, shopify):
    use_policy(rt, shops, "kinectr")
    automatic(rt, shops["shopify"].id)
    shopify.state.set_variant(ORDER, "9002", "44440002")
    return_id = shopify.state.request_return("2220001", ORDER, [("9002", 1, "defective", "Loose thread.")])
    replay(client, rt, queue, "shopify", STORY)
    post_fixture(client, "shopify", "returns_request", X_Shopify_Triggered_At="2026-05-12T10:00:00-06:00")
    replay(client, rt, queue, "shopify", [])   # Kinectr asks for photos first
    drain(rt)
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    with rt.sessions() as session:
        case_id = session.scalar(select(ReturnCase.id))
    answer = client.post(f"/api/v1/requests/{case_id}/evidence", json={"photos": 2, "description": True},
                         headers={"Authorization": f"Bearer {key}"}).json
    assert (answer["decision"]["resolution"], answer["decision"]["return_required"]) == ("replacement", False)
    assert set(drain(rt)) == {"succeeded"}
    assert kinds(rt)[-4:] == ["approve_return", "create_replacement", "close_return", "order_note"]
    ret = shopify.state.returns[return_id]
    assert ret["status"] == "CLOSED" and [d[2] for d in ret["dispositions"]] == ["NOT_RESTOCKED"]
    assert shopify.refunded(ORDER) == 0 and len(shopify.state.completed_orders()) == 1
    processed = dict(shopify.calls)["ProcessReturn"]["input"]
    assert "financialTransfer" not in processed
