"""Properties of issue 18's cancellations and fee floors: a whole-order cancellation grants, line by line, exactly what
cancelling each line on its own grants (Oak & Iron: stock until it ships, made to order until production starts, a
fee by days since the order); and a fee's floor never takes more than the price it is charged on."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import decide_json, policy_from_yaml, preset
from tests.tiers import examples

OAK = preset("oak-and-iron")
PLACED = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@st.composite
def orders(draw) -> tuple[dict, str]:
    """An order of 1-3 lines, each stock or made to order, each with its own shipment and production start (or none
    yet), and when the cancellation is asked."""
    asked = PLACED + timedelta(hours=draw(st.integers(0, 24 * 9)))
    moment = st.one_of(st.none(), st.integers(-24 * 8, 24 * 8).map(lambda h: asked + timedelta(hours=h)))
    lines = []
    for i in range(draw(st.integers(1, 3))):
        made = draw(st.booleans())
        lines.append({"id": f"L{i}", "title": f"Piece {i}", "quantity": draw(st.integers(1, 3)),
                      "unit_price": f"{draw(st.integers(1, 90000)) / 100:.2f}",
                      "tags": ["made-to-order"] if made else [],
                      "shipped_at": _iso(draw(moment)), "production_started_at": _iso(draw(moment) if made else None)})
    order = {"id": "1", "currency": "USD", "placed_at": PLACED.isoformat(), "shipping_paid": "0.00",
             "line_items": lines}
    return order, asked.isoformat()


def _cancel(order: dict, asked: str, items: list | None = None) -> dict:
    request = {"type": "cancellation", "submitted_at": asked, **({"items": items} if items else {})}
    return decide_json(OAK, {"request": request, "order": order})


@pytest.mark.scaled
@settings(max_examples=examples(60), deadline=None)
@given(orders())
def test_a_whole_order_cancellation_grants_line_by_line_what_each_line_alone_is_granted(drawn):
    order, asked = drawn
    whole = _cancel(order, asked)
    by_line = {line["line_item_id"]: line for line in whole["lines"]}
    items = Decimal(0)
    for line in order["line_items"]:
        alone = _cancel(order, asked, [{"line_item_id": line["id"], "quantity": line["quantity"]}])
        assert by_line[line["id"]]["outcome"] == alone["outcome"], (line, whole["explanation"], alone["explanation"])
        if alone["outcome"] == "approved":
            items += Decimal(alone["refund"]["items"])
    granted = any(line["outcome"] == "approved" for line in whole["lines"])
    assert Decimal(whole["refund"]["items"]) == (items if granted else 0)
    assert Decimal(whole["refund"]["total"]) <= Decimal(whole["refund"]["items"])   # fees only ever take away


FLOORED = """
policy: f
name: F
timezone: UTC
clauses: {c: "Returns: {percent} %, at least {floor} an item."}
fees: {restocking: {any: {percent: PCT, floor: "FLOOR"}}}
rules:
  - {id: r, clause: c, decide: approve, resolution: [refund], return: {required: false},
     refund: {deductions: restocking, timing: on_approval}}
"""


@pytest.mark.scaled
@settings(max_examples=examples(80), deadline=None)
@given(st.integers(0, 100), st.integers(0, 10000), st.integers(1, 100000), st.integers(1, 5))
def test_a_fee_floor_never_takes_more_than_the_price(percent, floor_cents, price_cents, quantity):
    floor, price = Decimal(floor_cents) / 100, Decimal(price_cents) / 100
    text = FLOORED.replace("PCT", str(percent)).replace("FLOOR", f"{floor:.2f}").replace(
        "{percent}", "{{percent}}").replace("{floor}", "{{floor}}")
    decision = decide_json(policy_from_yaml(text), {
        "request": {"type": "return", "submitted_at": "2026-05-12T10:00:00Z"},
        "order": {"id": "1", "currency": "USD", "placed_at": "2026-05-01T10:00:00Z",
                  "line_items": [{"id": "a", "title": "Item", "quantity": quantity, "unit_price": f"{price:.2f}"}]}})
    value = price * quantity
    fee = Decimal(decision["refund"]["deductions"])
    expected = (min(max(value * percent / 100, floor * quantity), value) if percent else Decimal(0))
    assert 0 <= fee <= value and Decimal(decision["refund"]["total"]) >= 0
    assert fee == expected.quantize(Decimal("0.01"), rounding="ROUND_FLOOR") or (
        fee == min(floor * quantity, value) and fee >= expected.quantize(Decimal("0.01"), rounding="ROUND_FLOOR"))
