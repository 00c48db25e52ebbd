"""Every preset on both platforms, end to end: a request through the request API in, the exact GraphQL
operations (Shopify) or REST calls (WooCommerce) the emulator saw out, for each kind of outcome.

EFFECTS maps each effect in the table to its wire calls on each platform; `x@shopify` happens on that
platform only. A cell a preset's policy cannot produce names its reason and is skipped.
"""
from decimal import Decimal

import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.policy.loader import resolve_policy_path
from integration.shops.core import issue_api_key, set_policy
from tests.e2e.test_shopify_actions import drain, shopify  # noqa: F401  (the fixture)
from tests.e2e.test_woocommerce_actions import STORY as WOO_STORY
from tests.e2e.test_woocommerce_actions import woo  # noqa: F401  (the fixture)
from tests.orders.test_picture import STORY as SHOPIFY_STORY
from tests.orders.test_picture import replay

PLATFORMS = {
    "shopify": {"fixture": "shopify", "domain": "kaolate-demo.myshopify.com", "order": "5550001", "story": SHOPIFY_STORY,
                "unshipped": ["orders_create"], "lines": {"tee": "9001", "custom": "9002"},
                "when": {"soon": "2026-05-12T10:00:00-06:00", "late": "2026-05-20T10:00:00-06:00"}},
    "woocommerce": {"fixture": "woo", "domain": "https://woo-demo.example.com", "order": "1201", "story": WOO_STORY,
                    "unshipped": ["product_created", "product_created__custom_bracket", "order_created"],
                    "lines": {"tee": "41", "custom": "42"},
                    "when": {"soon": "2026-05-11T10:00:00-05:00", "late": "2026-05-20T10:00:00-05:00"}},
}
SHOPIFY_CALLS = {"return": ["OrderReturns", "CreateReturn"], "tag": ["TagOrder"], "cancel": ["CancelOrder", "CancelJob", "OrderCancelled"],
                 "note": ["OrderNote", "UpdateOrderNote"],
                 "customer_note": [],   # Shopify has no customer-readable note: the request page shows it
                 "refund": ["SuggestedRefund", "IssueRefund"],
                 # A return's refund settles it (returnProcess): found by our marker, its lines read, then processed.
                 "process": ["OrderReturns", "ReturnToProcess", "SuggestedRefund", "ProcessReturn"]}
WOO_CALLS = {"tag": ["PUT orders/{o}"], "note": ["GET orders/{o}/notes", "POST orders/{o}/notes private"],
             "customer_note": ["GET orders/{o}/notes", "POST orders/{o}/notes customer"],
             # A refund reads the order's payment method first: an offline gateway's refund is recorded by hand.
             "refund": ["GET orders/{o}/refunds", "GET orders/{o}", "POST orders/{o}/refunds"],
             "cancel": ["GET orders/{o}", "PUT orders/{o}", "GET orders/{o}/refunds", "GET orders/{o}",
                        "POST orders/{o}/refunds"]}
NO_FEES = "its policy has no fees by condition: an inspected item is refunded in full or not at all"


def ask(kind, reason=None, line="tee", when="soon", evidence=False, preferred=None) -> dict:
    """A request in platform-neutral terms (a line role, a moment); placed on each platform's order later."""
    return {"type": kind, "reason": reason, "line": line, "when": when, "evidence": evidence, "preferred": preferred}


# (preset, scenario, request or the reason it cannot happen, outcome, effects in order)
TABLE = [
    ("kaolate", "approved", ask("return", "defective", evidence=True), "approved", ["return@shopify", "tag", "note"]),
    ("kaolate", "denied", ask("return", "changed_mind"), "denied", ["customer_note", "note"]),
    ("kaolate", "needs_evidence", ask("return", "defective"), "needs_evidence", ["customer_note", "note"]),
    ("kaolate", "needs_review", ask("return", "other"), "needs_review", ["tag", "note"]),
    ("kaolate", "cancellation", ask("cancellation"), "approved", ["cancel", "note"]),
    ("kaolate", "inspection", NO_FEES, None, []),
    ("kainamo", "approved", ask("return", "changed_mind"), "approved", ["return@shopify", "customer_note", "note"]),
    ("kainamo", "denied", ask("return", "changed_mind", line="custom"), "denied", ["customer_note", "note"]),
    ("kainamo", "needs_evidence", ask("return", "defective"), "needs_evidence", ["customer_note", "note"]),
    ("kainamo", "needs_review", ask("warranty", "changed_mind"), "needs_review", ["tag", "note"]),
    ("kainamo", "cancellation", ask("cancellation"), "needs_review", ["tag", "note"]),   # the merchant decides
    ("kainamo", "inspection", NO_FEES, None, []),
    ("kinectr", "approved", ask("return", "damaged_in_transit", line="custom", evidence=True, preferred="refund"),
     "approved", ["refund", "note"]),                                                   # refunded on approval
    ("kinectr", "denied", ask("return", "defective", when="late"), "denied", ["customer_note", "note"]),
    ("kinectr", "needs_evidence", ask("return", "defective"), "needs_evidence", ["customer_note", "note"]),
    ("kinectr", "needs_review", ask("return", "other"), "needs_review", ["tag", "note"]),
    ("kinectr", "cancellation", ask("cancellation"), "approved", ["cancel", "note"]),
    ("kinectr", "inspection", NO_FEES + "; its refunds are due on approval", None, []),
    ("motion-hardware", "approved", ask("return", "changed_mind"), "approved", ["return@shopify", "customer_note", "note"]),
    ("motion-hardware", "denied", ask("warranty", "defective", when="expired", evidence=True), "denied",
     ["customer_note", "note"]),                                                        # the 1-year warranty is over
    ("motion-hardware", "needs_evidence", ask("return", "defective"), "needs_evidence", ["customer_note", "note"]),
    ("motion-hardware", "needs_review", ask("return", "wrong_item"), "needs_review", ["tag", "note"]),
    ("motion-hardware", "cancellation", ask("cancellation"), "needs_review", ["tag", "note"]),   # the merchant decides
    ("motion-hardware", "inspection", ask("return", "changed_mind"), "approved",
     ["process@shopify", "refund@woocommerce", "note"]),   # after: damaged
]


def cells():
    for preset, scenario, request, outcome, effects in TABLE:
        for platform in PLATFORMS:
            marks = [pytest.mark.skip(reason=f"{preset}: {request}")] if isinstance(request, str) else []
            yield pytest.param(platform, preset, scenario, request, outcome, effects, marks=marks,
                               id=f"{platform}-{preset}-{scenario}")


def contract_request(platform: str, request: dict) -> dict:
    """The contract's request object for the neutral request on this platform's order."""
    where = PLATFORMS[platform]
    if request["type"] == "cancellation":
        return {"type": "cancellation", "submitted_at": "2026-05-01T11:00:00-06:00"}
    when = "2028-08-01T10:00:00-06:00" if request["when"] == "expired" else where["when"][request["when"]]
    out = {"type": request["type"], "submitted_at": when, "reason": request["reason"],
           "items": [{"line_item_id": where["lines"][request["line"]], "quantity": 1}]}
    if request["evidence"]:
        out["evidence"] = {"photos": 2, "description": True}
    if request["preferred"]:
        out["preferred_resolution"] = request["preferred"]
    return out


def wire_calls(platform: str, emulator) -> list[str]:
    """What the emulator saw, as operation names or 'METHOD path' (a note POST says who sees it)."""
    if platform == "shopify":
        return [name for name, _ in emulator.calls]
    return [f"{method} {path}" + (("" if method != "POST" or not path.endswith("/notes") else
                                   " customer" if body.get("customer_note") else " private"))
            for method, path, body in emulator.calls]


def expected_calls(platform: str, effects: list[str]) -> list[str]:
    """The wire calls the table's effects stand for on this platform."""
    calls, order = [], PLATFORMS[platform]["order"]
    for effect in effects:
        name, _, only = effect.partition("@")
        if only and only != platform:
            continue
        calls += SHOPIFY_CALLS[name] if platform == "shopify" else [c.format(o=order) for c in WOO_CALLS[name]]
    return calls


def post(client, rt, shop_id, platform, path, body) -> dict:
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shop_id))
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code in (200, 201), response.json
    return response.json


@pytest.mark.parametrize("platform, preset, scenario, request_, outcome, effects", list(cells()))
def test_preset_end_to_end(platform, preset, scenario, request_, outcome, effects, client, rt, queue, shops, request):
    emulator, where, shop_id = request.getfixturevalue(PLATFORMS[platform]["fixture"]), PLATFORMS[platform], shops[platform].id
    with transaction(rt.sessions) as session:
        set_policy(session, session.get(Shop, shop_id), resolve_policy_path(preset).read_text())
    replay(client, rt, queue, platform, where["unshipped"] if scenario == "cancellation" else where["story"])
    answer = post(client, rt, shop_id, platform, "/api/v1/requests",
                  {"shop": where["domain"], "order_id": where["order"], "request": contract_request(platform, request_)})
    if scenario == "inspection":   # the return comes back damaged: the policy's fee by condition is withheld
        assert set(drain(rt)) == {"succeeded"}
        emulator.calls.clear()
        line = where["lines"][request_["line"]]
        answer = post(client, rt, shop_id, platform, f"/api/v1/requests/{answer['request_id']}/inspection",
                      {"items": {line: "damaged"}, "by": "e2e"})
        assert answer["decision"]["refund"]["deductions"] != "0.00"
    decision = answer["decision"]
    assert decision["outcome"] == outcome, decision["explanation"]
    assert set(drain(rt)) == {"succeeded"}
    assert wire_calls(platform, emulator) == expected_calls(platform, effects)
    if any(e.startswith(("refund", "process")) for e in effects):
        assert refunded(platform, emulator, where["order"]) == Decimal(decision["refund"]["total"])


def refunded(platform: str, emulator, order: str) -> Decimal:
    """The money the platform refunded on the order."""
    if platform == "shopify":
        return emulator.refunded(order)
    return sum((Decimal(r["amount"]) for r in emulator.refunds[order]), Decimal(0))
