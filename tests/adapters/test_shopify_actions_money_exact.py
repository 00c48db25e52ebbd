"""Shopify refunds, returns processed and exchanges, call by call: the exact refundCreate and returnProcess inputs
(adapters/shopify/actions.py), every figure worked out by hand from the suggested refund below."""
import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from integration.domain import actions as act
from tests.adapters.scripted_platform import Locks, ScriptedShopify
from tests.adapters.test_shopify_actions_exact import KEY, NOTED, ORDER, RETURN, _raises, run

LINE = "gid://shopify/LineItem/1"


def _suggested(amount: str, *transactions) -> dict:
    txs = [{"gateway": gateway, "amountSet": {"presentmentMoney": {"amount": value}},
            "parentTransaction": {"id": parent} if parent else None} for gateway, value, parent in transactions]
    return {"order": {"suggestedRefund": {"amountSet": {"presentmentMoney": {"amount": amount}},
                                          "suggestedTransactions": txs}}}


# 40.00 suggested for the units, shipping and tax, paid on a gift card (15.00) and a card (25.00)
SPLIT = _suggested("40.00", ("gift_card", "15.00", "gid://shopify/OrderTransaction/1"),
                   ("shopify_payments", "25.00", None), ("manual", "0.00", "gid://shopify/OrderTransaction/3"))
REFUNDED = {"refundCreate": {"refund": {"id": "gid://shopify/Refund/8", "totalRefundedSet": {
    "presentmentMoney": {"amount": "33.00"}}}, "userErrors": []}}


def _refund(**kw) -> act.Refund:
    base = dict(order_id="1001", amount="33.00", currency="CAD", shipping="5.00", lines=[["1", 2]], deductions="7.00")
    return act.Refund(**{**base, **kw})


def test_a_refund_sends_the_suggested_money_less_deductions_over_the_paid_transactions():
    client, ledger = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED), Ledger()
    assert run(client, _refund(), ledger) == {"refund": "gid://shopify/Refund/8", "amount": "33.00"}
    refund_input = {
        "orderId": ORDER, "note": f"returnkit {KEY}", "notify": True,
        "refundLineItems": [{"lineItemId": LINE, "quantity": 2, "restockType": "NO_RESTOCK"}],
        "shipping": {"amount": "5.00"},
        # 40.00 - 7.00 = 33.00: 15.00 on the gift card, the 18.00 left on the card, nothing on the third
        "transactions": [{"orderId": ORDER, "kind": "REFUND", "gateway": "gift_card", "amount": "15.00",
                          "parentId": "gid://shopify/OrderTransaction/1"},
                         {"orderId": ORDER, "kind": "REFUND", "gateway": "shopify_payments", "amount": "18.00",
                          "parentId": None}]}
    assert client.calls == [
        ("SuggestedRefund", {"id": ORDER, "lines": [{"lineItemId": LINE, "quantity": 2}], "shipping": "5.00"}),
        ("IssueRefund", {"input": refund_input, "key": KEY})]
    assert ledger.progress == {"refund_input": refund_input}


def test_a_part_of_a_unit_of_money_still_goes_back_to_its_transaction():
    client = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED)
    run(client, _refund(deductions="24.50", order_id="gid://shopify/Order/1001"))   # 40.00 - 24.50 = 15.50
    assert client.calls[0][1]["id"] == ORDER
    assert [t["amount"] for t in client.calls[1][1]["input"]["transactions"]] == ["15.00", "0.50"]


def test_a_retry_resends_the_saved_input_without_asking_again():
    saved = {"orderId": ORDER, "transactions": []}
    client = ScriptedShopify(IssueRefund=REFUNDED)
    run(client, _refund(), Ledger({"refund_input": saved}))
    assert client.calls == [("IssueRefund", {"input": saved, "key": KEY})]


def test_deductions_above_the_suggestion_refund_the_units_and_no_money():
    client = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED)
    run(client, _refund(shipping=None, deductions="45.00"))
    assert client.calls[0][1]["shipping"] == "0"
    sent = client.calls[1][1]["input"]
    assert (sent["transactions"], sent["shipping"], "refundMethods" in sent) == ([], {"amount": "0"}, False)


def test_store_credit_is_the_whole_budget_as_a_store_credit_refund_and_the_bonus_on_top():
    credits = {"order": {"id": ORDER, "customer": {"id": "gid://shopify/Customer/7", "storeCreditAccounts": {
        "nodes": []}}}}
    client = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED, CustomerCredits=credits,
                             CreditStoreCredit={"storeCreditAccountCredit": {
                                 "storeCreditAccountTransaction": {"id": "tx9"}, "userErrors": []}})
    made = run(client, _refund(method="store_credit", bonus="0.50"))
    sent = client.calls[1][1]["input"]
    assert sent["transactions"] == [] and sent["refundMethods"] == [
        {"storeCreditRefund": {"amount": {"amount": "33.00", "currencyCode": "CAD"}}}]
    assert client.calls[2:] == [("CustomerCredits", {"id": ORDER}), ("CreditStoreCredit", {
        "id": "gid://shopify/Customer/7", "credit": {"creditAmount": {"amount": "0.50", "currencyCode": "CAD"},
                                                     "notify": True}})]
    assert (made["refund"], made["bonus"]) == ("gid://shopify/Refund/8", "tx9")


def test_the_recorded_amount_is_the_refunds_not_the_bonuss():
    # Found by mutation testing: the bonus's own amount once overwrote the refund's in the action's result.
    credits = {"order": {"id": ORDER, "customer": {"id": "c", "storeCreditAccounts": {"nodes": []}}}}
    client = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED, CustomerCredits=credits,
                             CreditStoreCredit={"storeCreditAccountCredit": {
                                 "storeCreditAccountTransaction": {"id": "tx9"}, "userErrors": []}})
    assert run(client, _refund(method="store_credit", bonus="2.50"))["amount"] == "33.00"


@pytest.mark.parametrize("method, bonus", [("store_credit", "0"), ("store_credit", None), ("original_payment", "5")])
def test_no_bonus_is_credited_without_a_positive_bonus_on_store_credit(method, bonus):
    client = ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=REFUNDED)
    run(client, _refund(method=method, bonus=bonus, deductions="40.00"))
    assert client.names() == ["SuggestedRefund", "IssueRefund"]
    assert "refundMethods" not in client.calls[1][1]["input"]


def test_a_refused_refund_or_an_unreadable_order_fails_for_good():
    refused = {"refundCreate": {"refund": None, "userErrors": [{"message": "Amount is too high"}]}}
    _raises(ScriptedShopify(SuggestedRefund=SPLIT, IssueRefund=refused), _refund(), "shopify: Amount is too high")
    with pytest.raises(PlatformError, match="order 1001 cannot be read"):
        run(ScriptedShopify(SuggestedRefund={"order": None}), _refund())


def _return(status="OPEN", processable=2) -> dict:
    line = {"id": LINE}
    return {"return": {
        "id": RETURN, "status": status,
        "returnLineItems": {"nodes": [{"id": "rli1", "processableQuantity": processable,
                                       "fulfillmentLineItem": {"lineItem": line}}]},
        "reverseFulfillmentOrders": {"nodes": [{"lineItems": {"nodes": [
            {"id": "rfoli1", "fulfillmentLineItem": {"lineItem": line}}]}}]},
        "order": {"fulfillments": [{"location": {"id": "gid://shopify/Location/4"}}]}}}


PROCESSED = {"returnProcess": {"return": {"status": "CLOSED"}, "userErrors": []}}
PROCESS_INPUT = {
    "returnId": RETURN, "notifyCustomer": True,
    "returnLineItems": [{"id": "rli1", "quantity": 2, "dispositions": [
        {"reverseFulfillmentOrderLineItemId": "rfoli1", "quantity": 2, "dispositionType": "RESTOCKED",
         "locationId": "gid://shopify/Location/4"}]}],
    "financialTransfer": {"issueRefund": {"orderTransactions": [
        {"parentId": "gid://shopify/OrderTransaction/1", "transactionAmount": {"amount": "15.00", "currencyCode": "CAD"}},
        {"parentId": None, "transactionAmount": {"amount": "18.00", "currencyCode": "CAD"}}]}},
    "refundShipping": {"shippingRefundAmount": {"amount": "5.00", "currencyCode": "CAD"}}}


def test_a_refund_on_a_return_processes_it_with_the_money_worked_out_once():
    client, ledger = ScriptedShopify(ReturnToProcess=_return(), SuggestedRefund=SPLIT, ProcessReturn=PROCESSED), Ledger()
    assert run(client, _refund(return_id="55", restock=["1"]), ledger) == {"return": "55", "status": "CLOSED"}
    assert client.calls == [("ReturnToProcess", {"id": RETURN}), ("SuggestedRefund", client.calls[1][1]),
                            ("ProcessReturn", {"input": PROCESS_INPUT})]
    assert ledger.progress == {"process_input": PROCESS_INPUT}


def test_a_refund_on_our_marked_return_finds_it_first():
    returns = {"order": {"returns": {"nodes": [{"id": RETURN, "returnLineItems": {"nodes": [
        {"returnReasonNote": "returnkit [rk-case-7]"}]}}]}}}
    client = ScriptedShopify(OrderReturns=returns, ReturnToProcess=_return(), ProcessReturn=PROCESSED)
    run(client, _refund(return_marker="rk-case-7"), Ledger({"process_input": {"saved": True}}))
    assert client.calls == [("OrderReturns", {"id": ORDER}), ("ReturnToProcess", {"id": RETURN}),
                            ("ProcessReturn", {"input": {"saved": True}})]


def test_a_marker_without_its_return_refunds_with_refund_create():
    client = ScriptedShopify(OrderReturns={"order": {"returns": {"nodes": []}}}, IssueRefund=REFUNDED)
    run(client, _refund(return_marker="rk-case-7"), Ledger({"refund_input": {"saved": True}}))
    assert client.names() == ["OrderReturns", "IssueRefund"]


@pytest.mark.parametrize("found", [_return("CLOSED"), _return(processable=0)])
def test_a_return_settled_already_is_skipped(found):
    client = ScriptedShopify(ReturnToProcess=found)
    assert run(client, _refund(return_id="55")) == {"return": "55", "status": found["return"]["status"],
                                                    "skipped": "already processed"}
    assert client.names() == ["ReturnToProcess"]


def test_a_return_not_yet_approved_waits():
    _raises(ScriptedShopify(ReturnToProcess=_return("REQUESTED")), _refund(return_id="55"),
            "shopify: return 55 is REQUESTED, not open", True)


@pytest.mark.parametrize("again, settled", [(_return("CLOSED"), True), (_return(processable=0), True),
                                            (_return(), False)])
def test_a_refused_process_is_done_only_when_the_return_reads_settled(again, settled):
    refused = {"returnProcess": {"return": None, "userErrors": [{"message": "Quantity is not processable"}]}}
    client = ScriptedShopify(ReturnToProcess=[_return(), again], ProcessReturn=refused)
    ledger = Ledger({"process_input": {"saved": True}})
    if settled:
        assert run(client, _refund(return_id="55"), ledger) == {"return": "55", "status": again["return"]["status"]}
        assert client.calls[-1] == ("ReturnToProcess", {"id": RETURN})
    else:
        _raises(client, _refund(return_id="55"), "shopify: Quantity is not processable", ledger=ledger)


def test_a_kept_items_return_is_closed_not_restocked_and_unnotified():
    client = ScriptedShopify(ReturnToProcess=_return(), ProcessReturn=PROCESSED)
    assert run(client, act.CloseReturn("55", [["1", 1]])) == {"return": "55", "status": "CLOSED"}
    assert client.calls[1] == ("ProcessReturn", {"input": {"returnId": RETURN, "notifyCustomer": False,
                                                           "returnLineItems": [{"id": "rli1", "quantity": 1, "dispositions": [
                                                               {"reverseFulfillmentOrderLineItemId": "rfoli1",
                                                                "quantity": 1, "dispositionType": "NOT_RESTOCKED"}]}]}})


def _exchange(**kw) -> act.CreateExchange:
    base = dict(order_id="1001", wants=[["1", "22", 1]], marker="rk-x1", currency="CAD", review_tag="returnkit-review",
                return_id="55")
    return act.CreateExchange(**{**base, **kw})


ITEMS = {"return": {"exchangeLineItems": {"nodes": [{"id": "eli1", "processableQuantity": 1, "variantId": "v22"}]}}}
NONE_LEFT = {"return": {"exchangeLineItems": {"nodes": []}}}
STOCKED = {"productVariant": {"inventoryItem": {"tracked": False}}}


def test_an_instant_exchange_confirms_its_items_alone_and_the_return_stays_open():
    client = ScriptedShopify(ReturnExchanges=ITEMS, VariantStock=STOCKED, ProcessReturn=PROCESSED)
    assert run(client, _exchange()) == {"return": "55", "exchange_items": ["eli1"], "return_open": True}
    assert client.calls == [("ReturnExchanges", {"id": RETURN}), ("VariantStock", {"id": "gid://shopify/ProductVariant/v22"}),
                            ("ProcessReturn", {"input": {"returnId": RETURN, "returnLineItems": [], "notifyCustomer": True,
                                                         "exchangeLineItems": [{"id": "eli1", "quantity": 1}]}})]


def test_an_instant_exchange_confirmed_already_or_refused():
    client = ScriptedShopify(ReturnExchanges=NONE_LEFT)
    assert run(client, _exchange()) == {"return": "55", "skipped": "already processed"}
    refused = {"returnProcess": {"return": None, "userErrors": [{"message": "Exchange item invalid"}]}}
    lost = ScriptedShopify(ReturnExchanges=[ITEMS, NONE_LEFT], VariantStock=STOCKED, ProcessReturn=refused)
    assert run(lost, _exchange())["return_open"] is True
    assert lost.calls[-1] == ("ReturnExchanges", {"id": RETURN})
    _raises(ScriptedShopify(ReturnExchanges=ITEMS, VariantStock=STOCKED, ProcessReturn=refused), _exchange(),
            "shopify: Exchange item invalid")


def test_an_exchange_with_returned_lines_processes_both():
    client = ScriptedShopify(ReturnExchanges=ITEMS, VariantStock=STOCKED, ReturnToProcess=_return(),
                             ProcessReturn=PROCESSED)
    assert run(client, _exchange(lines=[["1", 1]])) == {"return": "55", "status": "CLOSED", "exchange_items": ["eli1"]}
    assert client.calls[-1][1]["input"] == {
        "returnId": RETURN, "notifyCustomer": True, "exchangeLineItems": [{"id": "eli1", "quantity": 1}],
        "returnLineItems": [{"id": "rli1", "quantity": 1, "dispositions": [
            {"reverseFulfillmentOrderLineItemId": "rfoli1", "quantity": 1, "dispositionType": "NOT_RESTOCKED"}]}]}


def test_an_exchange_out_of_stock_tags_the_order_and_notes_why():
    short = {"productVariant": {"inventoryItem": {"tracked": True}, "inventoryPolicy": "DENY", "inventoryQuantity": 0}}
    client = ScriptedShopify(ReturnExchanges=ITEMS, VariantStock=short, TagOrder={"tagsAdd": {"userErrors": []}},
                             OrderNote={"order": {"note": ""}}, UpdateOrderNote=NOTED)
    assert run(client, _exchange()) == {"out_of_stock": ["v22"], "noted": ORDER}
    assert client.calls[2] == ("TagOrder", {"id": ORDER, "tags": ["returnkit-review"]})
    assert client.calls[4][1]["input"]["note"] == f"{act.exchange_out_of_stock(['v22'])} [{KEY}]"


def test_an_exchange_waits_for_our_return_and_finds_it_by_marker():
    _raises(ScriptedShopify(), _exchange(return_id=None), "shopify: our return is not open yet", True)
    client = ScriptedShopify(OrderReturns={"order": {"returns": {"nodes": []}}})
    _raises(client, _exchange(return_id=None, return_marker="rk-case-7"), "shopify: our return is not open yet", True)


def test_a_replacement_is_made_under_the_orders_lock():
    completed = {"id": "d9", "status": "COMPLETED", "tags": ["rk-m1"], "order": {"id": "o2", "name": "#2"}}
    client, locks = ScriptedShopify(MarkedDraftOrders={"draftOrders": {"nodes": [completed]}}), Locks()
    made = run(client, act.CreateReplacement("1001", [["1", 1]], "rk-m1"), locks=locks)
    assert made == {"draft_order": "d9", "replacement_order": "o2", "name": "#2", "skipped": "already created"}
    assert locks.held == ["1001"]


def test_a_replacement_completes_the_draft_the_ledger_remembers():
    completed = {"id": "d9", "status": "COMPLETED", "order": {"id": "o2", "name": "#2"}}
    client = ScriptedShopify(MarkedDraftOrders={"draftOrders": {"nodes": []}},
                             CompleteDraftOrder={"draftOrderComplete": {"draftOrder": completed, "userErrors": []}})
    made = run(client, act.CreateReplacement("1001", [["1", 1]], "rk-m1"), Ledger({"draft_order": {"id": "d9",
                                                                                               "status": "OPEN"}}))
    assert made == {"draft_order": "d9", "replacement_order": "o2", "name": "#2"}
    assert client.calls[-1] == ("CompleteDraftOrder", {"id": "d9"})
