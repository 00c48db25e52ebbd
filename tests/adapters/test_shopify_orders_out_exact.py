"""Shopify replacements, store-credit bonuses and exchanges, call by call: the exact variables of every GraphQL
operation sent (adapters/shopify/orders_out.py, store_credit.py, exchanges.py) and what the ledger keeps."""
import pytest

from adapters.base import Ledger
from adapters.http import PlatformError
from adapters.shopify import exchanges, orders_out, store_credit
from integration.domain import actions as act
from tests.adapters.scripted_platform import Locks, ScriptedShopify

ORDER_GID = "gid://shopify/Order/1001"
ADDRESS = {"name": "Ada Lovelace", "company": "", "address1": "1 Main St", "address2": None, "city": "Ottawa",
           "provinceCode": "ON", "zip": "K1A 0B1", "countryCodeV2": "CA", "phone": None}
ORDER = {"name": "#1001", "currencyCode": "CAD", "customer": {"id": "gid://shopify/Customer/7"},
         "shippingAddress": ADDRESS,
         "lineItems": {"nodes": [{"id": "gid://shopify/LineItem/11", "variant": {"id": "gid://shopify/ProductVariant/21"}},
                                 {"id": "gid://shopify/LineItem/12", "variant": None}]}}
PAYLOAD = act.CreateReplacement("1001", [["11", "2"]], "rk-m1")
DRAFT_INPUT = {
    "lineItems": [{"variantId": "gid://shopify/ProductVariant/21", "quantity": 2, "appliedDiscount": {
        "valueType": "PERCENTAGE", "value": 100.0, "title": "returnkit replacement",
        "description": "No charge: replacement for order #1001"}}],
    "tags": ["rk-m1", "returnkit-replacement"],
    "note": "returnkit replacement for order #1001 (no charge) [rk-m1]",
    "shippingLine": {"title": "returnkit replacement", "priceWithCurrency": {"amount": "0.00", "currencyCode": "CAD"}},
    "purchasingEntity": {"customerId": "gid://shopify/Customer/7"},
    "shippingAddress": {"firstName": "Ada", "lastName": "Lovelace", "address1": "1 Main St", "city": "Ottawa",
                        "provinceCode": "ON", "zip": "K1A 0B1", "countryCode": "CA"}}
COMPLETED = {"id": "gid://shopify/DraftOrder/9", "status": "COMPLETED", "tags": ["rk-m1"],
             "order": {"id": "gid://shopify/Order/2002", "name": "#2002"}}


def _drafts(*nodes) -> dict:
    return {"draftOrders": {"nodes": list(nodes)}}


def test_a_replacement_is_created_then_completed_with_these_exact_variables():
    client = ScriptedShopify(
        MarkedDraftOrders=_drafts({"id": "x", "tags": None}, {"id": "y", "tags": ["rk-m10"]}),
        ReplacementSource={"order": ORDER},
        CreateDraftOrder={"draftOrderCreate": {"draftOrder": {"id": "gid://shopify/DraftOrder/9", "status": "OPEN"},
                                               "userErrors": []}},
        CompleteDraftOrder={"draftOrderComplete": {"draftOrder": COMPLETED, "userErrors": []}})
    ledger = Ledger()
    made = orders_out.create_replacement(client, ledger, PAYLOAD)
    assert client.calls == [("MarkedDraftOrders", {"query": "tag:'rk-m1'"}), ("ReplacementSource", {"id": ORDER_GID}),
                            ("CreateDraftOrder", {"input": DRAFT_INPUT}),
                            ("CompleteDraftOrder", {"id": "gid://shopify/DraftOrder/9"})]
    assert ledger.progress == {"draft_order": {"id": "gid://shopify/DraftOrder/9", "status": "OPEN"}}
    assert made == {"draft_order": "gid://shopify/DraftOrder/9", "replacement_order": "gid://shopify/Order/2002",
                    "name": "#2002"}


def test_a_completed_draft_with_our_tag_is_the_replacement_already_made():
    client = ScriptedShopify(MarkedDraftOrders=_drafts({"id": "y", "tags": ["other"]}, COMPLETED))
    made = orders_out.create_replacement(client, Ledger(), PAYLOAD)
    assert client.names() == ["MarkedDraftOrders"]
    assert made == {"draft_order": COMPLETED["id"], "replacement_order": "gid://shopify/Order/2002", "name": "#2002",
                    "skipped": "already created"}


def test_a_draft_in_the_ledger_is_completed_not_made_again():
    client = ScriptedShopify(MarkedDraftOrders=_drafts(),
                             CompleteDraftOrder={"draftOrderComplete": {"draftOrder": COMPLETED, "userErrors": None}})
    made = orders_out.create_replacement(client, Ledger({"draft_order": {"id": "gid://shopify/DraftOrder/9",
                                                                          "status": "OPEN"}}), PAYLOAD)
    assert client.names() == ["MarkedDraftOrders", "CompleteDraftOrder"]
    assert "skipped" not in made and made["replacement_order"] == "gid://shopify/Order/2002"


def test_a_refused_completion_whose_lost_answer_completed_it_is_found_again():
    refused = {"draftOrderComplete": {"draftOrder": None, "userErrors": [{"message": "already completed"}]}}
    client = ScriptedShopify(MarkedDraftOrders=[_drafts(), _drafts(COMPLETED)], CompleteDraftOrder=refused)
    ledger = Ledger({"draft_order": {"id": "gid://shopify/DraftOrder/9", "status": "OPEN"}})
    made = orders_out.create_replacement(client, ledger, PAYLOAD)
    assert client.calls[-1] == ("MarkedDraftOrders", {"query": "tag:'rk-m1'"})
    assert made["replacement_order"] == "gid://shopify/Order/2002"


@pytest.mark.parametrize("again", [[], [{**COMPLETED, "status": "OPEN"}]])
def test_a_refused_completion_not_completed_fails_for_good(again):
    refused = {"draftOrderComplete": {"draftOrder": None, "userErrors": [{"message": "Out of stock"}]}}
    client = ScriptedShopify(MarkedDraftOrders=[_drafts(), _drafts(*again)], CompleteDraftOrder=refused)
    with pytest.raises(PlatformError) as error:
        orders_out.create_replacement(client, Ledger({"draft_order": {"id": "d", "status": "OPEN"}}), PAYLOAD)
    assert (str(error.value), error.value.retryable) == ("shopify: Out of stock", False)


def test_a_refused_draft_is_not_recorded():
    client = ScriptedShopify(MarkedDraftOrders=_drafts(), ReplacementSource={"order": ORDER}, CreateDraftOrder={
        "draftOrderCreate": {"draftOrder": None, "userErrors": [{"message": "Variant is invalid"}]}})
    ledger = Ledger()
    with pytest.raises(PlatformError, match="^shopify: Variant is invalid$"):
        orders_out.create_replacement(client, ledger, PAYLOAD)
    assert ledger.progress == {}


@pytest.mark.parametrize("line", ["12", "13"])
def test_a_line_without_a_variant_is_shipped_by_hand(line):
    with pytest.raises(PlatformError) as error:
        orders_out.draft_input(ORDER, act.CreateReplacement("1001", [[line, 1]], "rk-m1"))
    assert str(error.value) == (f"shopify: line {line} of order #1001 has no product variant any more: ship its "
                                "replacement by hand")
    assert error.value.retryable is False


def test_without_customer_or_address_the_draft_has_neither():
    order = {**ORDER, "customer": {"id": None}, "shippingAddress": None}
    out = orders_out.draft_input(order, act.CreateReplacement("1001", [["gid://shopify/LineItem/11", 1]], "m"))
    assert "purchasingEntity" not in out and "shippingAddress" not in out
    assert out["lineItems"][0]["variantId"] == "gid://shopify/ProductVariant/21"
    assert "purchasingEntity" not in orders_out.draft_input({**ORDER, "customer": None}, PAYLOAD)


@pytest.mark.parametrize("found, expected", [
    (None, None), ({}, None),
    ({"name": "Cher"}, {"firstName": "Cher"}),
    ({"name": "Ada Byron Lovelace"}, {"firstName": "Ada", "lastName": "Byron Lovelace"}),
    ({"firstName": "Ada", "lastName": None, "name": "Someone Else"}, {"firstName": "Ada"}),
    ({"firstName": None, "lastName": "King", "name": "Someone Else", "company": "Analytical Co",
      "address2": "Unit 2", "phone": "+16135550000"},
     {"lastName": "King", "company": "Analytical Co", "address2": "Unit 2", "phone": "+16135550000"}),
])
def test_the_address_is_shopifys_mailing_address_input(found, expected):
    assert orders_out._address(found) == expected


CREDIT_TX = "gid://shopify/StoreCreditAccountCreditTransaction/"


def _credits(*accounts, customer="gid://shopify/Customer/7") -> dict:
    nodes = [{"id": f"gid://shopify/StoreCreditAccount/{n}", "balance": {"currencyCode": currency},
              "transactions": {"nodes": [{"id": CREDIT_TX + tid, "event": event, "amount": {"amount": amount,
                                                                                        "currencyCode": currency}}
                                         for tid, event, amount in txs]}}
             for n, (currency, txs) in enumerate(accounts)]
    return {"order": {"id": ORDER_GID, "customer": {"id": customer, "storeCreditAccounts": {"nodes": nodes}}}}


KEY = "returnkit-9-0-refund"
CREDITED = {"storeCreditAccountCredit": {"storeCreditAccountTransaction": {"id": CREDIT_TX + "99"}, "userErrors": []}}


def test_a_bonus_remembers_the_credits_seen_then_credits_the_customer_exactly():
    client = ScriptedShopify(CustomerCredits=_credits(("USD", [("1", "ADJUSTMENT", "5.00")]),
                                                      ("CAD", [("2", "ADJUSTMENT", "5.00"), ("3", "REFUND", "5.00")])),
                             CreditStoreCredit=CREDITED)
    ledger = Ledger()
    made = store_credit.credit_bonus(client, ledger, (Locks(), KEY), ORDER_GID, "5.00", "CAD")
    assert client.calls == [("CustomerCredits", {"id": ORDER_GID}), ("CreditStoreCredit", {
        "id": "gid://shopify/Customer/7", "credit": {"creditAmount": {"amount": "5.00", "currencyCode": "CAD"},
                                                     "notify": True}})]
    assert ledger.progress == {"bonus_seen": [CREDIT_TX + "2"], "bonus": {"bonus": CREDIT_TX + "99", "bonus_amount": "5.00"}}
    assert made == {"bonus": CREDIT_TX + "99", "bonus_amount": "5.00"}


def test_after_a_lost_answer_the_new_credit_of_that_amount_in_that_currency_is_ours():
    client = ScriptedShopify(CustomerCredits=_credits(
        ("USD", [("1", "ADJUSTMENT", "5.00")]),
        ("CAD", [("2", "ADJUSTMENT", "5.00"), ("4", "ADJUSTMENT", "4.00"), ("5", "REFUND", "5.00"),
                 ("6", "ADJUSTMENT", "5.0")])))
    ledger = Ledger({"bonus_seen": [CREDIT_TX + "2"]})
    made = store_credit.credit_bonus(client, ledger, (Locks(), KEY), ORDER_GID, "5.00", "CAD")
    assert client.names() == ["CustomerCredits"]
    assert made == ledger.get("bonus") == {"bonus": CREDIT_TX + "6", "bonus_amount": "5.00"}
    assert ledger.get("bonus_seen") == [CREDIT_TX + "2"]


def test_a_retry_that_finds_no_new_credit_credits_again_and_keeps_the_first_list():
    client = ScriptedShopify(CustomerCredits=_credits(("CAD", [("2", "ADJUSTMENT", "5.00")])),
                             CreditStoreCredit=CREDITED)
    ledger = Ledger({"bonus_seen": []})
    store_credit.credit_bonus(client, ledger, (Locks(), KEY), ORDER_GID, "3.00", "CAD")
    assert client.names() == ["CustomerCredits", "CreditStoreCredit"] and ledger.get("bonus_seen") == []


def test_a_bonus_in_the_ledger_is_not_credited_again():
    client = ScriptedShopify()
    done = Ledger({"bonus": {"bonus": "b", "bonus_amount": "1.00"}})
    assert store_credit.credit_bonus(client, done, (Locks(), KEY), ORDER_GID, "1.00", "CAD") == {
        "bonus": "b", "bonus_amount": "1.00"}
    assert client.calls == []


@pytest.mark.parametrize("answers, message", [
    ({"CustomerCredits": {"order": {"id": ORDER_GID, "customer": None}}},
     "shopify: the order has no customer to give a store credit bonus to"),
    ({"CustomerCredits": _credits(), "CreditStoreCredit": {"storeCreditAccountCredit": {
        "storeCreditAccountTransaction": None, "userErrors": [{"message": "Account limit exceeded"}]}}},
     "shopify: Account limit exceeded"),
])
def test_a_bonus_that_cannot_be_credited_fails_for_good(answers, message):
    ledger = Ledger()
    with pytest.raises(PlatformError) as error:
        store_credit.credit_bonus(ScriptedShopify(**answers), ledger, (Locks(), KEY), ORDER_GID, "2.00", "CAD")
    assert (str(error.value), error.value.retryable) == (message, False)
    assert "bonus" not in ledger.progress


def test_one_bonus_at_a_time_holds_the_shops_claim_across_a_lost_answer():
    locks = Locks({store_credit.CLAIM: "another-action"})
    with pytest.raises(PlatformError) as waiting:   # another bonus is being credited: look at nothing, try later
        store_credit.credit_bonus(ScriptedShopify(), Ledger(), (locks, KEY), ORDER_GID, "5.00", "CAD")
    assert waiting.value.retryable and locks.claims == {store_credit.CLAIM: "another-action"}
    assert waiting.value.throttled and waiting.value.retry_after   # waiting uses up none of its attempts
    locks = Locks()
    lost = ScriptedShopify(CustomerCredits=_credits(("CAD", [])),
                           CreditStoreCredit=PlatformError("HTTP 502", 502, retryable=True))
    with pytest.raises(PlatformError):
        store_credit.credit_bonus(lost, Ledger(), (locks, KEY), ORDER_GID, "5.00", "CAD")
    assert locks.claims == {store_credit.CLAIM: KEY}   # kept for the retry: nobody else may credit meanwhile
    again = ScriptedShopify(CustomerCredits=_credits(("CAD", [])), CreditStoreCredit=CREDITED)
    store_credit.credit_bonus(again, Ledger({"bonus_seen": []}), (locks, KEY), ORDER_GID, "5.00", "CAD")
    assert locks.claims == {}   # recorded: the shop's next bonus may go


def test_a_bonus_that_fails_for_good_gives_the_claim_up():
    locks = Locks()
    with pytest.raises(PlatformError):
        store_credit.credit_bonus(ScriptedShopify(CustomerCredits={"order": {"id": ORDER_GID, "customer": None}}),
                                  Ledger(), (locks, KEY), ORDER_GID, "2.00", "CAD")
    assert locks.claims == {}


def test_exchange_items_are_those_left_to_process():
    nodes = [{"id": "e1", "processableQuantity": 0, "variantId": "v1"}, {"id": "e2", "processableQuantity": 2,
                                                                          "variantId": "v2"},
             {"id": "e3", "processableQuantity": 1}]
    client = ScriptedShopify(ReturnExchanges={"return": {"exchangeLineItems": {"nodes": nodes}}})
    assert exchanges.open_exchange_items(client, "55") == [{"id": "e2", "quantity": 2, "variantId": "v2"},
                                                           {"id": "e3", "quantity": 1, "variantId": None}]
    exchanges.open_exchange_items(client, "gid://shopify/Return/56")
    assert client.calls == [("ReturnExchanges", {"id": "gid://shopify/Return/55"}),
                            ("ReturnExchanges", {"id": "gid://shopify/Return/56"})]


def test_a_missing_return_has_no_exchange_items():
    with pytest.raises(PlatformError) as error:
        exchanges.open_exchange_items(ScriptedShopify(ReturnExchanges={"return": None}), "55")
    assert (str(error.value), error.value.retryable) == ("shopify: return 55 does not exist", False)


TRACKED = {"inventoryItem": {"tracked": True}, "inventoryPolicy": "DENY"}


@pytest.mark.parametrize("variant, units, expected", [
    (None, 1, False), ({}, 1, False),
    ({"inventoryItem": None, "inventoryQuantity": 0}, 5, True),
    ({"inventoryItem": {"tracked": False}, "inventoryPolicy": "DENY", "inventoryQuantity": 0}, 5, True),
    ({**TRACKED, "inventoryPolicy": "CONTINUE", "inventoryQuantity": -3}, 5, True),
    ({**TRACKED, "inventoryQuantity": 3}, 3, True), ({**TRACKED, "inventoryQuantity": 2}, 3, False),
    ({**TRACKED, "inventoryQuantity": None}, 1, False), ({**TRACKED, "inventoryQuantity": None}, 0, True),
])
def test_in_stock_follows_tracking_policy_and_quantity(variant, units, expected):
    assert exchanges.in_stock(variant, units) is expected


def test_out_of_stock_asks_shopify_for_each_variant():
    client = ScriptedShopify(VariantStock=[{"productVariant": {**TRACKED, "inventoryQuantity": 1}},
                                           {"productVariant": {**TRACKED, "inventoryQuantity": 1}}])
    items = [{"variantId": "21", "quantity": 1}, {"variantId": "gid://shopify/ProductVariant/22", "quantity": 2}]
    assert exchanges.out_of_stock(client, items) == ["gid://shopify/ProductVariant/22"]
    assert client.calls == [("VariantStock", {"id": "gid://shopify/ProductVariant/21"}),
                            ("VariantStock", {"id": "gid://shopify/ProductVariant/22"})]


def test_process_input_confirms_the_exchange_items_and_returned_lines():
    lines = [{"id": "r1", "quantity": 1}]
    items = [{"id": "e2", "quantity": 2, "variantId": "v2"}]
    assert exchanges.process_input({"id": "gid://shopify/Return/55", "status": "OPEN"}, lines, items) == {
        "returnId": "gid://shopify/Return/55", "returnLineItems": lines, "notifyCustomer": True,
        "exchangeLineItems": [{"id": "e2", "quantity": 2}]}


def test_an_unreadable_order_names_itself_for_a_replacement_and_a_bonus():
    with pytest.raises(PlatformError, match="^shopify: order 1001 cannot be read"):
        orders_out.create_replacement(ScriptedShopify(MarkedDraftOrders=_drafts(), ReplacementSource={"order": None}),
                                      Ledger(), PAYLOAD)
    with pytest.raises(PlatformError, match="^shopify: order 1001 cannot be read"):
        store_credit.credit_bonus(ScriptedShopify(CustomerCredits={"order": None}), Ledger(), (Locks(), KEY), ORDER_GID, "1", "CAD")
