"""Typed actions: every kind the planner can emit is carried out, or refused in words, on every platform."""
import itertools

import pytest

from adapters.http import PlatformError
from adapters.registry import ADAPTERS
from integration.domain.actions import PAYLOADS, ActionKind, payload_of
from integration.outbox.plan import ReturnLogistics, plan_actions

OUTCOMES = ("approved", "denied", "needs_review", "needs_evidence")
RESOLUTIONS = ("refund", "replacement", "repair", "exchange", "store_credit", "cancel_and_refund", "edit")
SOURCES = ({"case_id": 7, "type": "return"}, {"case_id": 7, "type": "exchange", "submitted_at": "2026-12-01"},
           {"return_id": "55", "type": "return"}, {"case_id": 7, "type": "return", "inspected": True})
SOURCES += tuple({"case_id": 8, "type": "edit", "edit": edit} for edit in (
    {"kind": "address", "address": {"address1": "1 Main St", "city": "Denver", "country_code": "US"}},
    {"kind": "variant", "line_item_id": "1", "variant_id": "44440009"},
    {"kind": "personalisation", "line_item_id": "1", "text": "A & J"}))


def _decision(outcome, resolution, required, paid_by, timing) -> dict:
    return {"outcome": outcome, "resolution": resolution, "return_required": required,
            "return_shipping_paid_by": paid_by, "explanation": "Because.", "rules": ["r"], "deadline": None,
            "lines": [{"line_item_id": "1", "quantity": 1, "outcome": "approved", "item_class": "standard"}],
            "refund": {"total": "10.00", "currency": "USD", "shipping": "0.00", "timing": timing}}


def _every_plan(platform: str):
    # A platform return's id only comes from a platform that has returns (Shopify's returns/request).
    sources = [s for s in SOURCES if ADAPTERS[platform].opens_returns or "return_id" not in s]
    for outcome, resolution, required, paid_by, timing, source, labels in itertools.product(
            OUTCOMES, RESOLUTIONS, (True, False), ("merchant", "customer", None), ("on_approval", "after_inspection"),
            sources, (True, False)):
        yield from plan_actions(platform, "1001", source, _decision(outcome, resolution, required, paid_by, timing),
                                logistics=ReturnLogistics(labels, "1 Main St"), request_page="https://x/r/s")


@pytest.mark.parametrize("platform", sorted(ADAPTERS))
def test_every_kind_is_implemented_or_refused_in_words(platform):
    gateway = ADAPTERS[platform].actions
    implemented = {kind for kind in ActionKind if hasattr(gateway, f"do_{kind}")}
    refused = set(gateway.unsupported)
    assert implemented | refused == set(ActionKind), f"{platform}: neither done nor refused: " \
        f"{sorted(set(ActionKind) - implemented - refused)}"
    assert not implemented & refused, f"{platform}: both done and refused: {sorted(implemented & refused)}"
    assert all(len(reason) > 20 for reason in gateway.unsupported.values())
    stray = {name[3:] for name in dir(gateway) if name.startswith("do_")} - set(ActionKind)
    assert not stray, f"{platform}: do_ methods for kinds the planner does not know: {sorted(stray)}"


@pytest.mark.parametrize("platform", sorted(ADAPTERS))
def test_the_planner_only_plans_what_the_platform_can_do_with_payloads_of_their_type(platform):
    planned = list(_every_plan(platform))
    kinds = {action.kind for action in planned}
    assert kinds <= {kind for kind in ActionKind if hasattr(ADAPTERS[platform].actions, f"do_{kind}")}
    assert {ActionKind.REFUND, ActionKind.ORDER_NOTE, ActionKind.TAG_ORDER, ActionKind.CANCEL_ORDER} <= kinds
    for action in planned:
        assert type(payload_of(action.kind, action.payload)) is PAYLOADS[action.kind]


def test_a_refused_kind_and_a_payload_that_does_not_fit_are_dead_with_the_reason():
    woo = ADAPTERS["woocommerce"].actions(client=None)
    with pytest.raises(PlatformError) as refused:
        woo.perform("approve_return", {"return_id": "1"}, "key-1")
    assert not refused.value.retryable and "WooCommerce has no returns" in str(refused.value)
    with pytest.raises(PlatformError) as unfit:
        woo.perform("refund", {"order_id": "1", "amount": "1.00"}, "key-2")
    assert not unfit.value.retryable and "refund.currency: is required" in str(unfit.value)
    with pytest.raises(PlatformError) as unknown:
        woo.perform("gift_wrap", {}, "key-3")
    assert not unknown.value.retryable


def test_a_refund_stored_before_its_newer_fields_still_loads():
    """Actions stored by an earlier release lack the fields added since: their defaults apply."""
    from integration.domain.actions import payload_of
    old = {"order_id": "1", "amount": "5.00", "currency": "USD", "shipping": None, "lines": [["1", 1]]}
    refund = payload_of("refund", old)
    assert (refund.deductions, refund.tax, refund.method, refund.return_id, refund.restock) == (
        "0", "0", "original_payment", None, [])
