"""A Kaolate size exchange on WooCommerce: once the return is inspected, exactly one exchange order, a child of the
original with our marker, whatever answers are lost; out of stock by then, a review tag and a staff note instead."""
from decimal import Decimal

from integration.db.models import Shop
from integration.domain.actions import payload_json, CreateExchange
from integration.outbox.gateways import platform_gateway
from tests.e2e.exchange_world import (SIZE_EXCHANGE, WANTED, action_kinds, ask, inspect, kaolate_store, kaolate_with,
                                      stock, use_policy_text)
from tests.e2e.test_replacements import make_due, run_again
from tests.e2e.test_shopify_actions import drain
from tests.e2e.test_woocommerce_actions import ORDER
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)

MARKER = "returnkit-exchange-case-{}"


def children(woo) -> list[dict]:
    return [o for o in woo.orders.values() if o.get("parent_id") == int(ORDER)]


def approved_and_inspected(client, rt, queue, shops, woo) -> int:
    key = kaolate_store(client, rt, queue, shops)
    stock(woo, units=3)
    case_id = ask(client, key, SIZE_EXCHANGE).json["request_id"]
    assert set(drain(rt)) == {"succeeded"}
    assert "create_exchange" not in action_kinds(rt) and children(woo) == []   # the return is still to come back
    assert inspect(client, key, case_id).status_code == 200
    return case_id


def test_an_inspected_size_exchange_makes_exactly_one_paid_child_order(client, rt, queue, shops, woo):
    case_id = approved_and_inspected(client, rt, queue, shops, woo)
    assert action_kinds(rt).count("create_exchange") == 1
    woo.faults.extend([None, None, "lost"])   # the original, the wanted variation, then the new order's answer lost
    assert drain(rt)[0] == "retrying"
    make_due(rt)
    assert set(drain(rt)) == {"succeeded"}
    assert run_again(rt, shops["woocommerce"].id, "create_exchange")["skipped"] == "already created"
    [made] = children(woo)
    assert (made["status"], made["total"], made["date_paid"] is not None) == ("processing", "0.00", True)
    assert [(li["product_id"], li["variation_id"], li["quantity"]) for li in made["line_items"]] == [(301, 303, 1)]
    meta = {m["key"]: m["value"] for m in made["meta_data"]}
    assert meta == {"_returnkit_marker": MARKER.format(case_id), "_returnkit_original_order": ORDER}
    assert len([c for c in woo.calls if c[:2] == ("POST", "orders")]) == 1
    assert woo.products[WANTED]["stock_quantity"] == 2     # set_paid took the unit out of stock, once
    assert len([n for n in woo.notes[ORDER] if f"exchange order #{made['number']} created" in n["note"]]) == 1
    assert any(f"exchange for order #{ORDER}" in n["note"] for n in woo.notes[str(made["id"])])
    assert not any(c[1].endswith("/refunds") and c[0] == "POST" for c in woo.calls)   # same price: nothing back


def test_out_of_stock_by_creation_it_is_tagged_for_review_with_a_staff_note(client, rt, queue, shops, woo):
    approved_and_inspected(client, rt, queue, shops, woo)
    stock(woo, units=0)    # sold out between the decision and the parcel's arrival
    assert set(drain(rt)) == {"succeeded"}
    assert children(woo) == []
    assert {"key": "_returnkit_tag", "value": "returnkit-review"} in woo.orders[ORDER]["meta_data"]
    assert any(f"variant {WANTED} is out of stock" in n["note"] and not n["customer_note"] for n in woo.notes[ORDER])


def _exchange(rt, shops, payload: CreateExchange, key="returnkit-x-1") -> dict:
    with rt.sessions() as session:
        shop = session.get(Shop, shops["woocommerce"].id)
        return platform_gateway(shop).perform("create_exchange", payload_json(payload), key)


def test_a_cheaper_exchange_is_paid_and_the_difference_refunded_on_the_original_once(client, rt, queue, shops, woo):
    kaolate_store(client, rt, queue, shops)
    stock(woo, price="15.00")
    payload = CreateExchange(ORDER, [["41", WANTED, 1]], "returnkit-exchange-case-77", "USD", "returnkit-review")
    first, again = _exchange(rt, shops, payload), _exchange(rt, shops, payload)
    assert (first["difference_refunded"], again["skipped"]) == ("5.00", "already created")
    [refund] = woo.refunds[ORDER]
    assert (refund["amount"], "returnkit exchange difference" in refund["reason"]) == ("5.00", True)
    assert children(woo)[0]["status"] == "processing"


def test_a_dearer_exchange_is_left_to_pay_only_when_the_policy_allows_it(client, rt, queue, shops, woo):
    kaolate_store(client, rt, queue, shops)
    stock(woo, price="26.00")
    refused = CreateExchange(ORDER, [["41", WANTED, 1]], "returnkit-exchange-case-78", "USD", "returnkit-review")
    assert _exchange(rt, shops, refused)["exchange_order"] is None and children(woo) == []
    assert any("costs 6.00 USD more" in n["note"] for n in woo.notes[ORDER])
    allowed = CreateExchange(ORDER, [["41", WANTED, 1]], "returnkit-exchange-case-79", "USD", "returnkit-review",
                             pay_difference=True)
    made = _exchange(rt, shops, allowed, key="returnkit-x-2")
    [order] = children(woo)
    assert (made["status"], order["status"], order["date_paid"], Decimal(order["total"])) == (
        "pending", "pending", None, Decimal("6.00"))
    assert any("waiting for the difference of 6.00 USD" in n["note"] and n["customer_note"]
               for n in woo.notes[str(order["id"])])
    assert woo.products[WANTED]["stock_quantity"] == 5    # unpaid: nothing taken out of stock yet


def test_an_instant_exchange_is_made_at_approval_and_not_again_when_the_return_arrives(client, rt, queue, shops, woo):
    key = kaolate_store(client, rt, queue, shops)
    use_policy_text(rt, shops["woocommerce"].id, kaolate_with("exchange: {instant: true}"))
    stock(woo, price="15.00", units=3)
    response = ask(client, key, SIZE_EXCHANGE)
    assert response.json["decision"]["exchange"] == {"instant": True, "pay_difference": False}
    assert set(drain(rt)) == {"succeeded"}
    [made] = children(woo)          # at approval, before the parcel is back
    assert made["status"] == "processing" and [r["amount"] for r in woo.refunds[ORDER]] == ["5.00"]
    assert inspect(client, key, response.json["request_id"]).status_code == 200
    assert set(drain(rt)) == {"succeeded"}
    assert children(woo) == [made] and len(woo.refunds[ORDER]) == 1   # the return's arrival makes nothing again
    assert action_kinds(rt).count("create_exchange") == 2
