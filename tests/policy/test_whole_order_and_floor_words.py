"""Two findings of the example policies' tables: the rest of an order coming back after an earlier refund is the whole
order (its shipping refunded under `shipping: whole_order`), and a fee set by its floor says so."""
from tests.helpers import decide_json, policy_from_yaml

POLICY = policy_from_yaml("""
policy: t
name: T
timezone: UTC
clauses: {c: "Returns within 30 days; shipping back when the whole order is returned; 15 %, at least $5 an item."}
windows: {w: {from: delivery, days: 30}}
fees: {restocking: {any: {percent: 15, floor: "5.00", label: restocking fee}}}
rules:
  - {id: r, clause: c, when: {window: {w: inside}}, decide: approve, resolution: [refund],
     return: {required: false}, refund: {shipping: whole_order, deductions: restocking, timing: on_approval}}
""")


def _case(items, refunded=0) -> dict:
    return {"request": {"type": "return", "submitted_at": "2026-05-12T10:00:00Z", "items": items},
            "order": {"id": "1", "currency": "USD", "placed_at": "2026-05-01T10:00:00Z",
                      "delivered_at": "2026-05-05T10:00:00Z", "shipping_paid": "8.00", "line_items": [
                          {"id": "a", "title": "Stamp", "quantity": 2, "unit_price": "20.00",
                           "refunded_quantity": refunded},
                          {"id": "b", "title": "Card", "quantity": 1, "unit_price": "4.00"}]}}


def test_the_rest_of_an_order_after_an_earlier_refund_is_the_whole_order():
    rest = decide_json(POLICY, _case([{"line_item_id": "a", "quantity": 1}, {"line_item_id": "b", "quantity": 1}],
                                     refunded=1))
    assert rest["refund"]["shipping"] == "8.00"
    part = decide_json(POLICY, _case([{"line_item_id": "a", "quantity": 1}]))
    assert part["refund"]["shipping"] == "0.00"


def test_a_fee_set_by_its_floor_names_the_floor():
    decision = decide_json(POLICY, _case([{"line_item_id": "a", "quantity": 2}]))
    # 15 % of 20.00 is 3.00 a unit: the 5.00 floor applies, 10.00 for two.
    assert decision["refund"]["deductions"] == "10.00"
    assert 'restocking fee (at least 5.00 per unit) on "Stamp": 10.00' in decision["explanation"]
