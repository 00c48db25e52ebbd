"""WooCommerce refunds carry the money: each line's pre-tax total and its tax by rate, the shipping line, an amount
they add up to less the deductions (never negative, never more than is left), api_restock said out loud, and the
look for our marker reads every page of the order's refunds. Asserted on the emulated store's refunds."""
from decimal import Decimal

from integration.db.models import Shop
from integration.money import to_minor
from integration.outbox.gateways import platform_gateway
from tests.adapters.test_real_payloads import sample
from tests.e2e.test_shopify_actions import drain
from tests.e2e.test_woocommerce_actions import DAMAGED, ORDER, STORY, _refund_calls, ask, woo  # noqa: F401
from tests.orders.test_picture import replay
from tests.webhook_helpers import load_fixture, post, topic_of

KEY = "returnkit-7-0-refund"
NJ = Decimal("0.06625")   # NJ Tax, rate id 1, as on the real order 956 (WooCommerce 3.8)


def _tax(total: str) -> str:
    return str(to_minor(Decimal(total) * NJ, "USD"))


def _taxes(item: dict) -> dict:
    tax = _tax(item["total"])
    return {**item, "total_tax": tax, "subtotal_tax": tax, "taxes": [{"id": 1, "total": tax, "subtotal": tax}]}


def taxed(order: dict) -> dict:
    """The order with NJ Tax on its lines and shipping, in the shape WooCommerce gave order 956 (60.00 + 3.98)."""
    lines, shipping = [_taxes(li) for li in order["line_items"]], [_taxes(s) for s in order["shipping_lines"]]
    cart_tax = sum(Decimal(li["total_tax"]) for li in lines)
    shipping_tax = sum(Decimal(s["total_tax"]) for s in shipping)
    return {**order, "line_items": lines, "shipping_lines": shipping, "cart_tax": str(cart_tax),
            "shipping_tax": str(shipping_tax), "total_tax": str(cart_tax + shipping_tax),
            "total": str(Decimal(order["total"]) + cart_tax + shipping_tax),
            "tax_lines": [{"id": 90, "rate_code": "US-NJ-NJ TAX-1", "rate_id": 1, "label": "NJ Tax", "compound": False,
                           "tax_total": str(cart_tax), "shipping_tax_total": str(shipping_tax), "rate_percent": 6.625}]}


def perform(rt, shops, kind: str, payload: dict, key: str = KEY) -> dict:
    """One action run by the shop's gateway, as the outbox runs it."""
    with rt.sessions() as session:
        shop = session.get(Shop, shops["woocommerce"].id)
    return platform_gateway(shop).perform(kind, payload, key)


def refund(lines, shipping="0.00", deductions="0", order=ORDER, **more) -> dict:
    return {"order_id": order, "amount": "0.01", "currency": "USD", "shipping": shipping, "lines": lines,
            "deductions": deductions, **more}


def refunded(refund_: dict) -> tuple[list, list]:
    """The refund's lines as the store keeps them: (order line, quantity, total, [(rate, tax)]) and shipping."""
    def taxes(item):
        return [(t["id"], t["total"]) for t in item["taxes"]]
    lines = [(next(m["value"] for m in li["meta_data"] if m["key"] == "_refunded_item_id"), li["quantity"], li["total"],
              taxes(li)) for li in refund_["line_items"]]
    shipping = [(next(m["value"] for m in s["meta_data"] if m["key"] == "_refunded_item_id"), s["total"], taxes(s))
                for s in refund_["shipping_lines"]]
    return lines, shipping


def test_each_line_carries_its_pre_tax_total_and_tax_by_rate_and_shipping_its_own(rt, shops, woo):  # noqa: F811
    woo.orders[ORDER] = taxed(woo.orders[ORDER])
    perform(rt, shops, "refund", refund([["41", 1], ["42", 1]], shipping="8.00", deductions="1.20"))
    [made] = woo.refunds[ORDER]
    lines, shipping = refunded(made)
    # One of line 41's two units: 20.00 and half its 2.65 tax, half up; line 42 whole; flat-rate shipping with its tax.
    assert lines == [("41", -1, "-20.00", [(1, "-1.33")]), ("42", -1, "-12.00", [(1, "-0.80")])]
    assert shipping == [("43", "-8.00", [(1, "-0.53")])]
    assert made["amount"] == "41.46"   # 20.00 + 1.33 + 12.00 + 0.80 + 8.00 + 0.53 - 1.20 deducted before tax
    assert made["refunded_payment"] is True and made["api_restock"] is False and woo.restocked == []


def test_the_amount_is_never_more_than_the_order_has_left_to_refund(rt, shops, woo):  # noqa: F811
    woo.orders[ORDER] = taxed(woo.orders[ORDER])
    woo.add_refund(ORDER, "55.00", "refunded in the admin")
    perform(rt, shops, "refund", refund([["42", 1]]))
    assert [r["amount"] for r in woo.refunds[ORDER]] == ["55.00", "8.98"]   # 63.98 paid: 12.80 asked, 8.98 left


def test_deductions_beyond_the_lines_refund_nothing_and_ask_no_gateway(rt, shops, woo):  # noqa: F811
    perform(rt, shops, "refund", refund([["42", 1]], deductions="30.00"))
    [made] = woo.refunds[ORDER]
    assert (made["amount"], made["refunded_payment"]) == ("0.00", False)
    assert refunded(made)[0] == [("42", -1, "-12.00", [])]


def test_units_go_back_on_sale_only_when_the_decision_restocks_every_refunded_line(rt, shops, woo):  # noqa: F811
    perform(rt, shops, "refund", refund([["41", 1], ["42", 1]], restock=["41"]), key="returnkit-7-0-refund")
    perform(rt, shops, "refund", refund([["41", 1]], restock=["41"]), key="returnkit-8-0-refund")
    assert [r["api_restock"] for r in woo.refunds[ORDER]] == [False, True]
    assert woo.restocked == [(ORDER, "41", 1)]


def test_a_refund_with_our_marker_on_a_later_page_is_found_not_made_again(rt, shops, woo):  # noqa: F811
    woo.add_refund(ORDER, "0.10", f"returnkit refund [{KEY}]")   # the oldest: the last page, newest first
    for n in range(119):
        woo.add_refund(ORDER, "0.10", f"refunded in the admin {n}")
    result = perform(rt, shops, "refund", refund([["42", 1]]))
    assert result["skipped"] == "already refunded" and len(woo.refunds[ORDER]) == 120
    assert [c[1] for c in woo.calls if c[0] == "GET"] == [f"orders/{ORDER}/refunds"] * 2   # 100, then 20


def test_the_real_taxed_bank_transfer_order_is_refunded_by_hand_with_its_tax(rt, shops, woo):  # noqa: F811
    woo.add_order(sample("woocommerce", "real_order_updated__wc380_956"))
    result = perform(rt, shops, "refund", refund([["81", 1]], order="956"))
    [made] = woo.refunds["956"]
    assert refunded(made)[0] == [("81", -1, "-12.75", [(1, "-0.84")])]
    assert (made["amount"], made["refunded_payment"], result["refund_by_hand"]) == ("13.59", False, True)
    told = [n for n in woo.notes["956"] if n["customer_note"]]
    assert len(told) == 1 and "13.59 USD" in told[0]["note"] and "by hand" in told[0]["note"]


def _replay_taxed(client, rt, queue):
    replay(client, rt, queue, "woocommerce", STORY[:2])
    for name in STORY[2:]:
        body = taxed(load_fixture("woocommerce", name))
        assert post(client, "woocommerce", topic_of("woocommerce", name), body).status_code == 200
    replay(client, rt, queue, "woocommerce", [])


def test_a_damage_claim_on_a_taxed_order_refunds_the_line_with_its_tax_to_the_cent(client, rt, queue, shops, woo):  # noqa: F811
    woo.orders[ORDER] = taxed(woo.orders[ORDER])
    _replay_taxed(client, rt, queue)
    decision = ask(client, rt, shops, DAMAGED).json["decision"]
    money = decision["refund"]
    assert (decision["outcome"], money["tax"], money["total"]) == ("approved", "0.80", "12.80")
    assert drain(rt) == ["succeeded", "succeeded"]
    [(_, _, body)] = _refund_calls(woo)
    assert body["line_items"] == [{"id": 42, "quantity": 1, "refund_total": "12.00",
                                   "refund_tax": [{"id": 1, "refund_total": "0.80"}]}]
    assert (body["api_refund"], body["api_restock"]) == (True, False)
    [made] = woo.refunds[ORDER]
    assert made["amount"] == decision["refund"]["total"] and refunded(made)[0] == [("42", -1, "-12.00", [(1, "-0.80")])]
