"""A refund that waits for the return parcel is planned exactly once, whichever comes last: the parcel's tracker
event or a re-decision (new evidence, an inspection from the API or the review page)."""
from decimal import Decimal

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.requests.decide import add_evidence
from integration.requests.review import awaiting_inspection, inspect_and_refund
from integration.shops.core import set_policy
from tests.e2e.test_return_labels import easypost  # noqa: F401  (the fixture)
from tests.e2e.test_shopify_actions import drain, shopify  # noqa: F401  (the fixture)
from tests.tracking.test_return_tracking import kaolate_with, label_bought, process, refunds, send


def _inspect(rt, shop_id, case_id):
    """The review page's inspection of the hoodie (line 9002 in the story's order), as its POST records it."""
    with transaction(rt.sessions) as session:
        shop, case = session.get(Shop, shop_id), session.get(ReturnCase, case_id)
        conditions = {item["line_item_id"]: "unused" for item in case.request["items"]}
        return [a.kind for a in inspect_and_refund(session, shop, case, conditions, "Robin").actions]


def test_an_inspection_after_the_parcel_released_the_refund_plans_no_second(client, rt, queue, shops, shopify,  # noqa: F811
                                                                             easypost):
    bought = label_bought(client, rt, queue, shops, shopify, easypost, "on_return_delivered")
    send(client, easypost, easypost.scan(bought.sid, "delivered"))
    process(rt, queue)
    [released] = refunds(rt)
    assert "refund" not in _inspect(rt, shops["shopify"].id, bought.case_id)   # the review page takes it
    assert [r.id for r in refunds(rt)] == [released.id]
    assert set(drain(rt)) == {"succeeded"} and len(shopify.state.refunds) == 1


def test_the_review_page_inspects_a_parcel_timed_refund_and_the_parcel_then_plans_none(client, rt, queue, shops,  # noqa: F811
                                                                                       shopify, easypost):
    bought = label_bought(client, rt, queue, shops, shopify, easypost, "on_return_delivered")
    with rt.sessions() as session:
        waiting = [case.id for case, _ in awaiting_inspection(session, session.get(Shop, shops["shopify"].id))]
    assert waiting == [bought.case_id]
    assert "refund" in _inspect(rt, shops["shopify"].id, bought.case_id)      # opened before the parcel arrived
    send(client, easypost, easypost.scan(bought.sid, "delivered"))
    process(rt, queue)
    assert len(refunds(rt)) == 1
    assert set(drain(rt)) == {"succeeded"}
    [paid] = shopify.state.refunds
    assert paid["amount"] > Decimal(0)


def test_a_re_decision_after_the_parcel_arrived_plans_its_parcel_timed_refund_once(client, rt, queue, shops,  # noqa: F811
                                                                                  shopify, easypost):
    bought = label_bought(client, rt, queue, shops, shopify, easypost, "after_inspection")
    send(client, easypost, easypost.scan(bought.sid, "delivered"))
    process(rt, queue)
    assert refunds(rt) == []                      # the policy then waited for the inspection
    with transaction(rt.sessions) as session:      # the merchant now refunds on delivery; the customer sends more
        shop = session.get(Shop, shops["shopify"].id)
        set_policy(session, shop, kaolate_with("on_return_delivered"))
        kinds = [a.kind for a in add_evidence(session, shop, session.get(ReturnCase, bought.case_id),
                                              {"photos": 1}).actions]
    assert "refund" in kinds
    send(client, easypost, easypost.scan(bought.sid, "delivered", hours=2, message="Delivered, back door"))
    process(rt, queue)
    assert len(refunds(rt)) == 1
    assert set(drain(rt)) == {"succeeded"} and len(shopify.state.refunds) == 1
