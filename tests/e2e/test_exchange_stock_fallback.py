"""An exchange out of stock when its order is about to be made falls back to the policy's `if_out_of_stock` terms
(Kaolate: a full refund): decided again, refunded once, never both; with no fallback the review tag and note stand."""
from decimal import Decimal

from sqlalchemy import select

from integration.db.request_models import Action, ReturnCase
from integration.db.unit_of_work import unit_of_work
from integration.policy.loader import resolve_policy_path
from integration.requests.stock_fallback import fall_back_out_of_stock
from tests.e2e.exchange_world import action_kinds, stock, use_policy_text
from tests.e2e.test_exchanges_shopify import approved, inspect
from tests.e2e.test_exchanges_woocommerce import approved_and_inspected, children
from tests.e2e.test_shopify_actions import ORDER, drain, seen, shopify  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import ORDER as WOO_ORDER
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)

_OUT_OF_STOCK_RULE = "  - id: size-exchange-out-of-stock\n"


def sweep(rt) -> list[int]:
    queued = []
    with unit_of_work(rt.sessions, queued.append) as session:
        return fall_back_out_of_stock(session)


def sold_out_at_inspection(client, rt, queue, shops, shopify) -> int:  # noqa: F811
    shopify.state.set_stock("8003", 1)
    case_id, key = approved(client, rt, queue, shops, shopify)
    shopify.state.set_stock("8003", 0)
    inspect(client, key, case_id)
    assert set(drain(rt)) == {"succeeded"}
    assert "returnkit-review" in shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["tags"]
    return case_id


def test_the_policys_refund_is_planned_once_in_place_of_the_exchange(client, rt, queue, shops, shopify):  # noqa: F811
    case_id = sold_out_at_inspection(client, rt, queue, shops, shopify)
    assert sweep(rt) == [case_id] and sweep(rt) == []
    with rt.sessions() as session:
        case = session.get(ReturnCase, case_id)
        latest = case.decisions[-1]
        assert (latest.decided_by, latest.document["resolution"]) == ("stock", "refund")
        assert latest.document["rules"] == ["size-exchange-out-of-stock"]
        assert case.request["items"][0]["exchange_in_stock"] is False
        total = Decimal(latest.document["refund"]["total"])
    assert set(drain(rt)) == {"succeeded"}
    assert action_kinds(rt).count("refund") == 1 and action_kinds(rt).count("create_exchange") == 1
    assert shopify.refunded(ORDER) == total > 0
    assert "ProcessReturn" in seen(shopify) and shopify.state.exchange_orders()[0]["status"] == "ON_HOLD"
    # The policy settled it: the review tag the exchange put on comes off again.
    assert "returnkit-review" not in shopify.state.orders[f"gid://shopify/Order/{ORDER}"]["tags"]
    assert "UntagOrder" in seen(shopify)


def test_without_a_fallback_the_review_tag_and_note_stand(client, rt, queue, shops, shopify):  # noqa: F811
    text = resolve_policy_path("kaolate").read_text()
    start = text.index(_OUT_OF_STOCK_RULE)
    use_policy_text(rt, shops["shopify"].id, text[:start] + text[text.index("  - id: size-exchange\n"):])
    case_id = sold_out_at_inspection(client, rt, queue, shops, shopify)
    assert sweep(rt) == []
    with rt.sessions() as session:
        assert session.get(ReturnCase, case_id).decisions[-1].decided_by.startswith("inspection")
        [exchange] = session.scalars(select(Action).where(Action.kind == "create_exchange")).all()
        assert exchange.result["fallback"] == "review"
    assert "refund" not in action_kinds(rt) and shopify.refunded(ORDER) == 0


def test_woocommerce_an_exchange_sold_out_at_creation_is_refunded_once_instead(client, rt, queue, shops, woo):  # noqa: F811
    case_id = approved_and_inspected(client, rt, queue, shops, woo)
    stock(woo, units=0)
    assert set(drain(rt)) == {"succeeded"} and children(woo) == []
    assert sweep(rt) == [case_id] and sweep(rt) == []
    assert set(drain(rt)) == {"succeeded"}
    with rt.sessions() as session:
        total = Decimal(session.get(ReturnCase, case_id).decisions[-1].document["refund"]["total"])
    assert sum(Decimal(r["amount"]) for r in woo.refunds[WOO_ORDER]) == total > 0
    assert action_kinds(rt).count("refund") == 1 and children(woo) == []
    tags = [m["value"] for m in woo.orders[WOO_ORDER]["meta_data"] if m["key"] == "_returnkit_tag"]
    assert tags == [""]   # the review flag emptied: the policy settled it
