"""A cancellation of some of an order never becomes the platform's whole-order cancel: the planner is told the
order keeps lines, from the stored order's units."""
from integration.db.request_models import ReturnCase
from integration.requests.tracking import case_source
from tests.request_helpers import shopify_story, submit

WHEN = "2026-05-12T10:00:00-06:00"


def _source(rt, case_id: int) -> dict:
    with rt.sessions() as session:
        return case_source(session.get(ReturnCase, case_id))


def test_a_cancellation_naming_fewer_units_than_the_order_holds_keeps_lines(client, rt, shops, queue):
    shopify_story(client, rt, queue)   # order 5550001: 2 tees (line 9001) and a custom hoodie (line 9002)
    shop = shops["shopify"].id
    some = submit(rt, shop, {"type": "cancellation", "submitted_at": WHEN,
                             "items": [{"line_item_id": "9001", "quantity": 1}]}, "some")
    assert _source(rt, some)["keeps_lines"] is True
    every = submit(rt, shop, {"type": "cancellation", "submitted_at": WHEN,
                              "items": [{"line_item_id": "9001", "quantity": 2}, {"line_item_id": "9002", "quantity": 1}]},
                   "every")
    assert "keeps_lines" not in _source(rt, every)
    whole = submit(rt, shop, {"type": "cancellation", "submitted_at": WHEN}, "whole")
    assert "keeps_lines" not in _source(rt, whole)
    ret = submit(rt, shop, {"type": "return", "submitted_at": WHEN, "reason": "defective",
                            "items": [{"line_item_id": "9001", "quantity": 1}]}, "return")
    assert "keeps_lines" not in _source(rt, ret)   # only cancellations are ever whole-order cancels
