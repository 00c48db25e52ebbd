"""Shopify actions, call by call: the exact variables each step sends (adapters/shopify/actions.py), what it answers
and what it keeps in the ledger; notes, tags, returns' states, cancellation and labels. Refunds and exchanges:
test_shopify_actions_money_exact.py."""

import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from adapters.shopify.actions import ShopifyActions
from adapters.shopify.notes import DECLINE_NOTE_LIMIT, ENTRY_LIMIT
from integration.domain import actions as act
from integration.domain.actions import payload_json
from tests.adapters.scripted_platform import Locks, ScriptedShopify

ORDER = "gid://shopify/Order/1001"
RETURN = "gid://shopify/Return/55"
KEY = "returnkit-9-0-x"


def run(client, payload, ledger=None, labels=None, locks=None, key=KEY) -> dict:
    return ShopifyActions(client, labels).perform(payload.kind.value, payload_json(payload), key,
                                                  ledger if ledger is not None else Ledger(), locks or Locks())


def _raises(client, payload, message: str, retryable: bool = False, **kw) -> None:
    with pytest.raises(PlatformError) as error:
        run(client, payload, **kw)
    assert (str(error.value), error.value.retryable) == (message, retryable)


NOTED = {"orderUpdate": {"userErrors": []}}


def test_an_order_note_is_appended_under_the_orders_lock_with_our_marker():
    client, locks = ScriptedShopify(OrderNote={"order": {"note": "Gift wrap"}}, UpdateOrderNote=NOTED), Locks()
    assert run(client, act.OrderNote("1001", "returnkit: approved"), locks=locks) == {"noted": ORDER}
    assert client.calls == [("OrderNote", {"id": ORDER}), ("UpdateOrderNote", {"input": {
        "id": ORDER, "note": f"Gift wrap\n\nreturnkit: approved [{KEY}]"}})]
    assert locks.held == ["1001"]


def test_an_order_note_on_an_empty_note_and_one_noted_already():
    client = ScriptedShopify(OrderNote={"order": {"note": None}}, UpdateOrderNote=NOTED)
    run(client, act.OrderNote("1001", "hi"))
    assert client.calls[1][1]["input"]["note"] == f"hi [{KEY}]"
    again = ScriptedShopify(OrderNote={"order": {"note": f"x\n\nhi [{KEY}]"}})
    assert run(again, act.OrderNote("1001", "hi")) == {"skipped": "already noted"}
    assert again.names() == ["OrderNote"]


def test_an_entry_is_cut_to_leave_room_for_its_marker():
    room = ENTRY_LIMIT - len(f"[{KEY}]") - 1
    fits, over = "a" * room, "a " * (room // 2) + "bb"
    client = ScriptedShopify(OrderNote={"order": {"note": ""}}, UpdateOrderNote=NOTED)
    run(client, act.OrderNote("1001", fits))
    run(client, act.OrderNote("1001", over))
    assert client.calls[1][1]["input"]["note"] == f"{fits} [{KEY}]"
    long = client.calls[3][1]["input"]["note"]
    assert len(long) <= ENTRY_LIMIT and long.endswith(f"… [{KEY}]")


def test_an_order_note_refused_or_unreadable_fails_for_good():
    refused = ScriptedShopify(OrderNote={"order": {"note": ""}},
                              UpdateOrderNote={"orderUpdate": {"userErrors": [{"message": "Note is too long"}]}})
    _raises(refused, act.OrderNote("1001", "x"), "shopify: Note is too long")
    with pytest.raises(PlatformError, match="order 1001 cannot be read"):
        run(ScriptedShopify(OrderNote={"order": None}), act.OrderNote("1001", "x"))


def test_a_customer_note_sends_nothing():
    client = ScriptedShopify()
    assert run(client, act.CustomerNote("1001", "x")) == {
        "skipped": "shown on the customer's request page: Shopify orders have no customer note"}
    assert client.calls == []


def test_a_tag_is_added_to_the_order():
    client = ScriptedShopify(TagOrder={"tagsAdd": {"userErrors": []}})
    assert run(client, act.TagOrder("1001", "returnkit-review")) == {"tagged": "returnkit-review"}
    assert client.calls == [("TagOrder", {"id": ORDER, "tags": ["returnkit-review"]})]
    _raises(ScriptedShopify(TagOrder={"tagsAdd": {"userErrors": [{"message": "Tags invalid"}]}}),
            act.TagOrder("1001", "t"), "shopify: Tags invalid")


def test_an_approval_notifies_the_customer():
    client = ScriptedShopify(ApproveReturn={"returnApproveRequest": {"return": {"status": "OPEN"}, "userErrors": []}})
    assert run(client, act.ApproveReturn("55")) == {"return": "55", "status": "OPEN"}
    assert run(client, act.ApproveReturn(RETURN)) == {"return": RETURN, "status": "OPEN"}   # a gid stays as it is
    assert client.calls == [("ApproveReturn", {"input": {"id": RETURN, "notifyCustomer": True}})] * 2


REFUSED = {"return": None, "userErrors": [{"message": "Return is not approvable"}]}


@pytest.mark.parametrize("status", ["OPEN", "CLOSED"])
def test_a_refused_approval_of_a_return_already_approved_is_done(status):
    client = ScriptedShopify(ApproveReturn={"returnApproveRequest": REFUSED}, ReturnStatus={"return": {"status": status}})
    assert run(client, act.ApproveReturn("55")) == {"return": "55", "status": status}
    assert client.calls[1] == ("ReturnStatus", {"id": RETURN})


@pytest.mark.parametrize("found", [{"status": "REQUESTED"}, None])
def test_a_refused_approval_of_a_return_not_approved_fails(found):
    client = ScriptedShopify(ApproveReturn={"returnApproveRequest": REFUSED}, ReturnStatus={"return": found})
    _raises(client, act.ApproveReturn("55"), "shopify: Return is not approvable")


def test_a_decline_sends_the_reason_and_a_note_within_shopifys_limit():
    note = "Custom items cannot be returned once made. " * 20
    client = ScriptedShopify(DeclineReturn={"returnDeclineRequest": {"return": {"status": "DECLINED"}, "userErrors": []}})
    assert run(client, act.DeclineReturn("55", "FINAL_SALE", note)) == {"return": "55", "status": "DECLINED"}
    # cut at the last word within 499 characters (11 sentences of 43 and 22 more), and an ellipsis: 496 characters
    cut = "Custom items cannot be returned once made. " * 11 + "Custom items cannot be…"
    assert client.calls == [("DeclineReturn", {"input": {"id": RETURN, "declineReason": "FINAL_SALE",
                                                         "declineNote": cut, "notifyCustomer": True}})]
    assert len(cut) == 496 <= DECLINE_NOTE_LIMIT


@pytest.mark.parametrize("status, declined", [("DECLINED", True), ("OPEN", False)])
def test_a_refused_decline_is_done_only_when_the_return_reads_declined(status, declined):
    client = ScriptedShopify(DeclineReturn={"returnDeclineRequest": REFUSED}, ReturnStatus={"return": {"status": status}})
    if declined:
        assert run(client, act.DeclineReturn("55", "OTHER", "n")) == {"return": "55", "status": "DECLINED"}
    else:
        _raises(client, act.DeclineReturn("55", "OTHER", "n"), "shopify: Return is not approvable")


def test_a_return_opened_already_is_not_opened_again():
    client, ledger = ScriptedShopify(), Ledger({"return": {"return": "r", "status": "OPEN"}})
    assert run(client, act.CreateReturn("1001", [["1", 1]], "m", None), ledger) == {"return": "r", "status": "OPEN"}
    assert client.calls == []


def test_a_return_is_opened_once_and_remembered():
    order = {"returns": {"nodes": []}, "fulfillments": [{"fulfillmentLineItems": {"nodes": [
        {"id": "gid://shopify/FulfillmentLineItem/3", "quantity": 2, "lineItem": {"id": "gid://shopify/LineItem/1"}}]}}]}
    client = ScriptedShopify(OrderReturns={"order": order}, CreateReturn={"returnCreate": {
        "return": {"id": RETURN, "status": "OPEN"}, "userErrors": []}})
    ledger = Ledger()
    assert run(client, act.CreateReturn("1001", [["1", 2]], "m", "2026-05-12T00:00:00Z", [["22", "1"]]), ledger) == {
        "return": RETURN, "status": "OPEN"}
    assert ledger.progress == {"return": {"return": RETURN, "status": "OPEN"}}
    assert client.calls == [("OrderReturns", {"id": ORDER}), ("CreateReturn", {"input": {
        "orderId": ORDER, "notifyCustomer": False, "requestedAt": "2026-05-12T00:00:00Z",
        "returnLineItems": [{"fulfillmentLineItemId": "gid://shopify/FulfillmentLineItem/3", "quantity": 2,
                             "returnReasonNote": "returnkit [m]"}],
        "exchangeLineItems": [{"variantId": "gid://shopify/ProductVariant/22", "quantity": 1}]}})]


CANCEL_VARIABLES = {"orderId": ORDER, "refundMethod": {"originalPaymentMethodsRefund": True}, "restock": True,
                    "staffNote": f"returnkit {KEY}"}
QUEUED = {"orderCancel": {"job": {"id": "gid://shopify/Job/7"}, "orderCancelUserErrors": []}}


def test_a_cancellation_remembers_its_job_and_is_done_when_the_order_reads_cancelled():
    client = ScriptedShopify(CancelOrder=QUEUED, CancelJob={"job": {"done": True}},
                             OrderCancelled={"order": {"cancelledAt": "2026-05-12T10:00:00Z"}})
    ledger = Ledger()
    assert run(client, act.CancelOrder("1001", "30.00", "CAD"), ledger) == {
        "job": "gid://shopify/Job/7", "cancelled_at": "2026-05-12T10:00:00Z"}
    assert client.calls == [("CancelOrder", CANCEL_VARIABLES), ("CancelJob", {"id": "gid://shopify/Job/7"}),
                            ("OrderCancelled", {"id": ORDER})]
    assert ledger.progress == {"cancel_job": "gid://shopify/Job/7"}


def test_a_cancellation_without_refund_or_restock_says_so():
    client = ScriptedShopify(CancelOrder=QUEUED, CancelJob={"job": None})
    _raises(client, act.CancelOrder("1001", "0.00", "CAD", refund=False, restock=False),
            "shopify: the cancellation is still running", retryable=True)
    assert client.calls[0][1] == {**CANCEL_VARIABLES, "refundMethod": {"originalPaymentMethodsRefund": False},
                                  "restock": False}


def test_a_running_job_is_polled_not_cancelled_again():
    client = ScriptedShopify(CancelJob={"job": {"done": False}})
    _raises(client, act.CancelOrder("1001", "1", "CAD"), "shopify: the cancellation is still running", True,
            ledger=Ledger({"cancel_job": "j"}))
    assert client.calls == [("CancelJob", {"id": "j"})]


def test_a_finished_job_that_did_not_cancel_fails_for_good():
    client = ScriptedShopify(CancelJob={"job": {"done": True}}, OrderCancelled={"order": {"cancelledAt": None}})
    _raises(client, act.CancelOrder("1001", "1", "CAD"),
            "shopify: the cancellation job ended without cancelling the order", ledger=Ledger({"cancel_job": "j"}))


REFUSED_CANCEL = {"orderCancel": {"job": None, "orderCancelUserErrors": [{"message": "Order is already cancelled"}]}}


def test_a_refused_cancellation_of_an_order_cancelled_already_is_done():
    client = ScriptedShopify(CancelOrder=REFUSED_CANCEL, OrderCancelled={"order": {"cancelledAt": "2026-05-12"}})
    ledger = Ledger()
    assert run(client, act.CancelOrder("1001", "1", "CAD"), ledger) == {"cancelled_at": "2026-05-12"}
    assert ledger.progress == {} and client.calls[1] == ("OrderCancelled", {"id": ORDER})
    with pytest.raises(PlatformError, match="^shopify: order 1001 cannot be read"):
        run(ScriptedShopify(CancelOrder=REFUSED_CANCEL, OrderCancelled={"order": None}), act.CancelOrder("1001", "1", "CAD"))


def test_a_refused_cancellation_of_an_order_not_cancelled_names_shopifys_reason():
    client = ScriptedShopify(CancelOrder=REFUSED_CANCEL, OrderCancelled={"order": {"cancelledAt": None}})
    _raises(client, act.CancelOrder("1001", "1", "CAD"), "shopify: Order is already cancelled")


class Labels:
    def __init__(self):
        self.bought = []

    def buy(self, address, key, ledger):
        self.bought.append((address, key))
        return {"label_url": "https://easypost.test/l.pdf", "tracking_code": "EZ1", "tracking_url": "https://t.test/EZ1"}


SHIPPING = {"name": "Ada Lovelace", "company": "Analytical Co", "address1": "1 Main St", "address2": "Unit 2", "city": "Ottawa",
            "provinceCode": "ON", "zip": "K1A 0B1", "countryCodeV2": "CA", "phone": "+16135550000"}
EASYPOST_ADDRESS = {"name": "Ada Lovelace", "company": "Analytical Co", "street1": "1 Main St", "street2": "Unit 2",
                    "city": "Ottawa", "state": "ON", "zip": "K1A 0B1", "country": "CA", "phone": "+16135550000"}


def _rfo(deliveries=()) -> dict:
    return {"return": {"reverseFulfillmentOrders": {"nodes": [{"id": "rfo1", "reverseDeliveries": {"nodes": list(
        deliveries)}, "lineItems": {"nodes": [{"id": "rli1", "totalQuantity": 2}, {"id": "rli2", "totalQuantity": 1}]}}]}}}


def test_a_label_is_bought_for_the_orders_address_and_attached_to_the_return():
    client, labels = ScriptedShopify(OrderShippingAddress={"order": {"shippingAddress": SHIPPING}}, ReturnForLabel=_rfo(),
                                     AttachReturnLabel={"reverseDeliveryCreateWithShipping": {
                                         "reverseDelivery": {"id": "rd1"}, "userErrors": []}}), Labels()
    made = run(client, act.ReturnLabel("1001", "55", [["1", 2]]), labels=labels)
    assert labels.bought == [(EASYPOST_ADDRESS, KEY)]
    assert made == {"label_url": "https://easypost.test/l.pdf", "tracking_code": "EZ1",
                    "tracking_url": "https://t.test/EZ1", "reverse_delivery": "rd1"}
    assert client.calls[1:] == [("ReturnForLabel", {"id": RETURN}), ("AttachReturnLabel", {
        "rfo": "rfo1", "label": {"fileUrl": "https://easypost.test/l.pdf"},
        "items": [{"reverseFulfillmentOrderLineItemId": "rli1", "quantity": 2},
                  {"reverseFulfillmentOrderLineItemId": "rli2", "quantity": 1}],
        "tracking": {"number": "EZ1", "url": "https://t.test/EZ1"}})]
    assert client.calls[0] == ("OrderShippingAddress", {"id": ORDER})


def test_a_label_attached_already_or_without_a_reverse_fulfillment_order():
    ledger = Ledger({"label": Labels().buy(None, None, None)})
    found = run(ScriptedShopify(ReturnForLabel=_rfo([{"id": "rd0"}])), act.ReturnLabel("1001", "55", []), ledger)
    assert found["reverse_delivery"] == "rd0"
    for answer in ({"return": None}, {"return": {"reverseFulfillmentOrders": {"nodes": []}}}):
        _raises(ScriptedShopify(ReturnForLabel=answer), act.ReturnLabel("1001", "55", []),
                "shopify: the return has no reverse fulfillment order yet", True, ledger=ledger)


def test_a_label_without_a_return_goes_in_the_order_note():
    ledger = Ledger({"label": Labels().buy(None, None, None)})
    client = ScriptedShopify(OrderNote={"order": {"note": ""}}, UpdateOrderNote=NOTED)
    assert run(client, act.ReturnLabel("1001", None, []), ledger)["label_url"] == "https://easypost.test/l.pdf"
    assert client.calls == [("OrderNote", {"id": ORDER}), ("UpdateOrderNote", {"input": {"id": ORDER, "note": (
        f"returnkit: prepaid return label https://easypost.test/l.pdf (tracking EZ1) [{KEY}]")}})]


def test_a_label_for_our_return_waits_for_it_and_one_without_address_fails():
    ledger = Ledger({"label": Labels().buy(None, None, None)})
    empty = ScriptedShopify(OrderReturns={"order": {"returns": {"nodes": []}}})
    _raises(empty, act.ReturnLabel("1001", None, [], "rk-case-7"), "shopify: our return is not open yet", True,
            ledger=ledger)
    assert empty.calls == [("OrderReturns", {"id": ORDER})]
    _raises(ScriptedShopify(OrderShippingAddress={"order": {"shippingAddress": None}}), act.ReturnLabel(
        "1001", None, []), "shopify: the order has no shipping address to send a label to", labels=Labels())
    with pytest.raises(PlatformError, match="^shopify: order 1001 cannot be read"):
        run(ScriptedShopify(OrderShippingAddress={"order": None}), act.ReturnLabel("1001", None, []), labels=Labels())


def test_a_label_for_our_return_found_by_its_marker_hangs_off_it():
    returns = {"order": {"returns": {"nodes": [{"id": "gid://shopify/Return/56", "returnLineItems": {"nodes": [
        {"returnReasonNote": "returnkit [rk-case-7]"}]}}]}}}
    client = ScriptedShopify(OrderReturns=returns, ReturnForLabel=_rfo([{"id": "rd0"}]))
    run(client, act.ReturnLabel("1001", None, [], "rk-case-7"), Ledger({"label": Labels().buy(None, None, None)}))
    assert client.calls == [("OrderReturns", {"id": ORDER}), ("ReturnForLabel", {"id": "gid://shopify/Return/56"})]


def test_variant_in_stock_asks_shopify_for_the_variant():
    client = ScriptedShopify(VariantStock={"productVariant": {"inventoryItem": {"tracked": True},
                                                              "inventoryPolicy": "DENY", "inventoryQuantity": 2}})
    gateway = ShopifyActions(client)
    assert (gateway.variant_in_stock("22", 2), gateway.variant_in_stock("22", 3)) == (True, False)
    assert client.calls == [("VariantStock", {"id": "gid://shopify/ProductVariant/22"})] * 2
