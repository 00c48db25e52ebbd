"""WooCommerce exchanges and return labels, request by request: the exact REST paths and bodies
(adapters/woocommerce/actions.py do_create_exchange, do_return_label) and what each answers."""
import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from integration.domain import actions as act
from tests.adapters.scripted_platform import Locks, ScriptedWoo
from tests.adapters.test_woocommerce_actions_exact import KEY, MARK, ORDER, _sent, _woo, run


def _exchange(**kw) -> act.CreateExchange:
    base = dict(order_id="501", wants=[[11, 72, 1]], marker="rk-x1", currency="EUR", review_tag="returnkit-review")
    return act.CreateExchange(**{**base, **kw})


def _exchange_woo(price: str, **answers) -> ScriptedWoo:
    product = {"id": 72, "parent_id": 70, "price": price, "stock_status": "instock"}
    return _woo(**{"GET_ALL orders": [], "GET products/72": product, "GET orders/902/notes": [],
                   "POST orders/902/notes": {"id": 62}, **answers})


def test_a_cheaper_exchange_is_made_paid_and_its_difference_refunded_under_the_exchanges_marker():
    made = {"id": 902, "number": "A-902", "status": "processing", "total": "0.00"}
    client, locks = _exchange_woo("12.00", **{"POST orders": made, "POST orders/501/refunds": {"id": 86,
                                                                                           "amount": "8.00"}}), Locks()
    assert run(client, _exchange(), locks=locks) == {"exchange_order": 902, "status": "processing", "difference_refunded": "8.00",
                                        "difference_refund": 86}
    posts = _sent(client, "POST")
    assert posts[0][0] == "orders" and posts[0][1]["set_paid"] is True
    assert posts[1] == ("orders/501/refunds", {"amount": "8.00", "reason": "returnkit exchange difference "
                                               "[rk-x1-difference]", "api_refund": True, "api_restock": False,
                                               "line_items": []})
    assert locks.held == ["501", "501"]   # the exchange, then its difference's refund
    assert posts[2:] == [("orders/501/notes", {"note": "returnkit: exchange order #A-902 created (processing). [rk-x1]",
                                               "customer_note": False}),
                         ("orders/902/notes", {"note": "returnkit: exchange for order #501. [rk-x1]",
                                               "customer_note": False})]


def test_a_dearer_exchange_left_to_pay_asks_the_customer_for_the_difference():
    made = {"id": 902, "status": "pending", "total": "5.00"}
    client = _exchange_woo("25.00", **{"POST orders": made})
    result = run(client, _exchange(pay_difference=True))
    assert (result["difference_refunded"], result["difference_refund"]) == ("0.00", None)
    assert _sent(client, "POST")[-1] == ("orders/902/notes", {
        "note": "Your exchange order #902 is waiting for the difference of 5.00 EUR: pay it from your account to have "
                "it sent. [rk-x1 customer]", "customer_note": True})
    assert not [p for p, _ in _sent(client, "POST") if p == "orders/501/refunds"]


def test_an_exchange_that_cannot_be_made_tags_the_order_and_notes_why():
    client = _exchange_woo("25.00")
    assert run(client, _exchange()) == {"exchange_order": None, "out_of_stock": [], "note": 61}
    assert ("PUT", "orders/501", {"meta_data": [{"key": "_returnkit_tag", "value": "returnkit-review"}]}) in client.calls
    assert _sent(client, "POST") == [("orders/501/notes", {"note": (
        "returnkit: the exchange costs 5.00 EUR more than was paid and the policy does not let the customer pay a "
        f"difference: decide it on review. {MARK}"), "customer_note": False})]


def test_an_exchange_found_again_is_skipped():
    child = {"id": 902, "status": "processing", "meta_data": [{"key": "_returnkit_marker", "value": "rk-x1"}]}
    client = _exchange_woo("25.00", **{"GET_ALL orders": [child]})
    assert run(client, _exchange())["skipped"] == "already created"
    assert not [p for p, _ in _sent(client, "POST") if p == "orders"]


class Labels:
    def buy(self, address, key, ledger):
        self.bought = (address, key)
        return {"label_url": "https://easypost.test/l.pdf", "tracking_code": "EZ1", "carrier": "USPS"}


def test_a_label_goes_to_the_customer_as_a_note_for_the_shipping_address():
    shipping = {"first_name": "Ada", "last_name": "Lovelace", "company": "Co", "address_1": "1 Main St", "address_2": "2",
                "city": "Austin", "state": "TX", "postcode": "78701", "country": "US", "phone": "+15125550000"}
    client, labels = _woo(**{"GET orders/501": {**ORDER, "shipping": shipping}}), Labels()
    made = run(client, act.ReturnLabel("501", None, [[11, 1]]), labels=labels)
    assert labels.bought == ({"name": "Ada Lovelace", "company": "Co", "street1": "1 Main St", "street2": "2", "city": "Austin",
                              "state": "TX", "zip": "78701", "country": "US", "phone": "+15125550000"}, KEY)
    assert made["note"] == 61 and _sent(client, "POST") == [("orders/501/notes", {"note": (
        "Your prepaid return label: https://easypost.test/l.pdf . Print it, attach it to the parcel and drop it off "
        f"with USPS; tracking EZ1. {MARK}"), "customer_note": True})]


def test_a_label_without_carrier_or_address():
    ledger = Ledger({"label": {"label_url": "u", "tracking_code": "t", "carrier": None}})
    client = _woo()
    run(client, act.ReturnLabel("501", None, []), ledger)
    assert "drop it off with the carrier; tracking t" in _sent(client, "POST")[0][1]["note"]
    with pytest.raises(PlatformError) as error:
        run(_woo(**{"GET orders/501": None}), act.ReturnLabel("501", None, []), labels=Labels())
    assert (str(error.value), error.value.retryable) == (
        "woocommerce: the order has no shipping address to send a label to", False)


def test_an_exchange_out_of_stock_names_the_variant_for_review():
    client = _exchange_woo("12.00", **{"GET products/72": {"id": 72, "price": "12.00", "stock_status": "outofstock"}})
    assert run(client, _exchange()) == {"exchange_order": None, "out_of_stock": ["72"], "note": 61}
    assert _sent(client, "POST") == [("orders/501/notes", {"note": f"{act.exchange_out_of_stock(['72'])} {MARK}",
                                                           "customer_note": False})]


def test_a_difference_recorded_by_hand_tells_both_in_the_exchanges_currency():
    by_hand = {"id": 88, "amount": "8.00", "reason": "returnkit exchange difference by hand [rk-x1-difference]"}
    client = _exchange_woo("12.00", **{"GET orders/501": {**ORDER, "payment_method": "cod"},
                                       "POST orders": {"id": 902, "status": "processing"},
                                       "POST orders/501/refunds": by_hand})
    assert run(client, _exchange())["difference_refund"] == 88
    notes = [body["note"] for path, body in _sent(client, "POST") if path == "orders/501/notes"]
    assert notes[0].startswith("Your refund of 8.00 EUR is on its way") and "refund 8.00 EUR" in notes[1]
