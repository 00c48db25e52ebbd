"""'Change my order' on the customer page and `type: edit` on the request API: offered only when the policy has a rule
for edits, decided like any request, and an approved one plans the change."""
import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.orders.catalog import find_product
from integration.shops.core import issue_api_key
from tests.e2e.exchange_world import use_policy_text
from tests.request_helpers import ORDER, latest, shopify_story, submit
from tests.web.test_customer_pages import PAGE, _ask, _find, customer  # noqa: F401  (the fixture)
from tests.web.test_human_labels import visible
from tests.web_helpers import sign_in

EDIT_POLICY = """
policy: edits-page
name: Edits
timezone: America/Denver
clauses: {edits: "You can change your address or your personalisation before we ship.", returns: "Ask us."}
rules:
  - {id: address, clause: edits, decide: approve, resolution: [edit], when: {type: [edit], edit_kind: [address]}}
  - {id: personal, clause: edits, decide: approve, resolution: [edit], when: {type: [edit], edit_kind: [personalisation]}}
  - {id: no-variant, clause: edits, decide: deny, when: {type: [edit]}}
  - {id: returns, clause: returns, decide: review, resolution: [refund]}
"""
ADDRESS_FORM = {"edit_kind": "address", "edit_first_name": "Jane", "edit_last_name": "Buyer",
                "edit_address1": "400 Pine St", "edit_city": "Denver", "edit_province_code": "co", "edit_zip": "80202",
                "edit_country_code": "us"}


@pytest.fixture()
def editable(customer, rt, shops):  # noqa: F811
    use_policy_text(rt, shops["shopify"].id, EDIT_POLICY)
    _find(customer)
    return customer


def _case(rt, case_id: int) -> dict:
    with rt.sessions() as session:
        return session.get(ReturnCase, case_id).request


def test_the_page_offers_no_change_when_the_policy_takes_no_edits(customer):  # noqa: F811
    _find(customer)
    page = customer.get(f"{PAGE}/new").data.decode()
    assert 'value="edit"' not in page and "edit_kind" not in page
    refused = _ask(customer, type="edit", **ADDRESS_FORM)
    assert refused.status_code == 422 and b"does not take changes to orders" in refused.data


def test_the_page_offers_change_my_order_when_the_policy_has_a_rule_for_edits(editable):
    page = editable.get(f"{PAGE}/new").data.decode()
    assert "Change my order (before it ships)" in page and 'name="edit_kind" value="personalisation"' in page


def test_an_address_change_from_the_page_is_decided_and_its_change_planned(editable, rt):
    response = _ask(editable, type="edit", **ADDRESS_FORM)
    assert response.status_code == 302, response.data
    case_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert _case(rt, case_id)["edit"] == {"kind": "address", "address": {
        "first_name": "Jane", "last_name": "Buyer", "address1": "400 Pine St", "city": "Denver", "province_code": "CO",
        "zip": "80202", "country_code": "US"}}
    decided = latest(rt, case_id)
    assert (decided["outcome"], decided["document"]["resolution"]) == ("approved", "edit")
    assert [kind for kind, _state, _payload in decided["actions"]] == ["change_address", "order_note"]
    shown = editable.get(response.headers["Location"]).data.decode()
    assert "The shop changes your order as you asked, before it ships." in shown


def test_a_personalisation_change_becomes_a_note_for_the_maker(editable, rt):
    response = _ask(editable, type="edit", edit_kind="personalisation", edit_line="9002", edit_text="J.B.")
    case_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    decided = latest(rt, case_id)
    assert [line["line_item_id"] for line in decided["document"]["lines"]] == ["9002"]
    kind, _state, payload = decided["actions"][0]
    assert kind == "order_note" and 'personalisation of line 9002 to "J.B."' in payload["text"]


@pytest.mark.parametrize("fields, message", [
    ({"edit_kind": "address", "edit_address1": "400 Pine St"}, b"street, city and country code at least"),
    ({"edit_kind": "personalisation", "edit_text": "J.B."}, b"choose the item to change"),
    ({"edit_kind": "variant", "edit_line": "9001", "edit_variant": "no-such-variant"}, b"choose a size or colour"),
    ({"edit_kind": "personalisation", "edit_line": "404", "edit_text": "J.B."}, b"choose an item of your order"),
    ({}, b"choose what you want to change"),
])
def test_an_incomplete_change_is_sent_back_with_what_is_missing(editable, fields, message):
    response = _ask(editable, type="edit", **fields)
    assert response.status_code == 422 and message in response.data


def _api(client, rt, shops, request: dict):
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    body = {"shop": "kaolate-demo.myshopify.com", "order_id": ORDER, "request": request}
    return client.post("/api/v1/requests", json=body, headers={"Authorization": f"Bearer {key}"})


def test_the_api_takes_an_edit_request_and_names_a_bad_field(editable, rt, shops):
    edit = {"kind": "variant", "line_item_id": "9001", "variant_id": "gid://shopify/ProductVariant/8003"}
    made = _api(editable, rt, shops, {"type": "edit", "submitted_at": "2026-05-12T10:00:00-06:00", "edit": edit})
    assert made.status_code == 201, made.json
    assert (made.json["decision"]["outcome"], made.json["decision"]["rules"]) == ("denied", ["no-variant"])
    bad = _api(editable, rt, shops, {"type": "edit", "submitted_at": "2026-05-12T10:00:00-06:00",
                                     "edit": {"kind": "variant", "line_item_id": "9001"}})
    assert bad.status_code == 422
    assert bad.json["errors"][0] == {"field": "request.edit.variant_id", "message": "is required for a variant edit"}


def test_the_api_refuses_an_edit_when_the_policy_takes_none(customer, rt, shops):  # noqa: F811
    refused = _api(customer, rt, shops, {"type": "edit", "submitted_at": "2026-05-12T10:00:00-06:00",
                                         "edit": {"kind": "address", "address": {
                                             "address1": "1 Main St", "city": "Denver", "country_code": "US"}}})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "request.type"


def test_an_edit_left_to_review_shows_the_merchant_what_the_customer_asks(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    use_policy_text(rt, shops["shopify"].id, EDIT_POLICY.replace("decide: deny, when: {type: [edit]}",
                                                                  "decide: review, resolution: [edit], when: {type: [edit]}"))
    edit = {"kind": "variant", "line_item_id": "9001", "variant_id": "8003", "quantity": 1}
    case_id = submit(rt, shops["shopify"].id, {"type": "edit", "submitted_at": "2026-05-12T10:00:00-06:00",
                                               "edit": edit}, "review-edit")
    assert latest(rt, case_id)["outcome"] == "needs_review"
    sign_in(client, shops["shopify"].id)
    page = client.get("/app/review/").get_data(as_text=True)
    # 8003 is not in the stored catalogue yet: said so, never as its id
    assert ("The customer asks to change\n<strong>Organic tee</strong> (Size: M) to <strong>a variant not in the "
            "stored catalogue</strong> (1 unit).</p>") in page
    with transaction(rt.sessions) as session:   # the tee's product gains the size L, as its update webhook says
        tee = find_product(session, session.get(Shop, shops["shopify"].id), "7001")
        tee.variants = [*tee.variants, ["8003", "TEE-ORG-L", True]]
        tee.looks = {**(tee.looks or {}), "8003": ["Size: L", None]}
    page = client.get("/app/review/").get_data(as_text=True)
    assert ("The customer asks to change\n<strong>Organic tee</strong> (Size: M) to <strong>Size: L</strong> "
            "(1 unit).</p>") in page
    assert "9001" not in visible(page) and "8003" not in visible(page)


def test_an_approved_edit_holds_no_units_so_a_later_return_may_ask_for_them(client, rt, queue, shops):
    shopify_story(client, rt, queue)
    use_policy_text(rt, shops["shopify"].id, EDIT_POLICY)
    edit = {"kind": "personalisation", "line_item_id": "9002", "text": "J.B."}
    edited = submit(rt, shops["shopify"].id, {"type": "edit", "submitted_at": "2026-05-12T10:00:00-06:00",
                                              "edit": edit}, "edit-first")
    assert latest(rt, edited)["outcome"] == "approved"
    returned = submit(rt, shops["shopify"].id, {"type": "return", "submitted_at": "2026-05-13T10:00:00-06:00",
                                                "reason": "changed_mind",
                                                "items": [{"line_item_id": "9002", "quantity": 1}]}, "return-after")
    assert latest(rt, returned)["document"]["rules"] == ["returns"]   # not "already-refunded"
