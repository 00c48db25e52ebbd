"""Fees that cannot be used are refused at load, naming the path; `policy check` finds tier steps that never apply
and warns of fees that can outgrow a price (issue 18)."""
import pytest

from integration.policy import bounds
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import parse_policy
from tests.helpers import preset
from tests.policy.test_fees import fees_policy


@pytest.mark.parametrize("fee, expected", [
    ('any: {percent: 20, floor: "50.00", ceiling: "40.00"}',
     "fees.f.any.floor: the floor 50.00 is above the ceiling 40.00; lower the floor or raise the ceiling"),
    ('used: [{percent: 20}, {percent: 5, floor: "9", ceiling: "1"}]', "fees.f.used[1].floor: the floor 9 is above"),
    ("any: {base: fixed}", "fees.f.any: give 'percent', 'amount' or 'tiers'"),
    ("any: {percent: 5, base: fixed}", "fees.f.any.base: 'base: fixed' goes with 'amount'"),
    ("any: {base: label, per: unit}", "fees.f.any.per: a fee on the label is charged once per request"),
    ("any: []", "fees.f.any: give at least one fee"),
    ("any: {percent: 5, tiers: {from: purchase, steps: [{from_day: 0, percent: 5}]}}",
     "fees.f.any: give either 'percent' or 'amount' (or 'tiers'), not several"),
    ("any: {tiers: {from: purchase, steps: []}}", "fees.f.any.tiers.steps: give at least one step"),
    ("any: {tiers: {from: checkout, steps: [{from_day: 0, percent: 5}]}}",
     "fees.f.any.tiers.from: 'checkout' is not a valid tier anchor"),
    ("any: {tiers: {from: purchase, steps: [{from_day: 0, percent: 120}]}}",
     "fees.f.any.tiers.steps[0].percent: must be 0 to 100"),
])
def test_fees_that_cannot_be_used_are_refused_naming_the_path(fee, expected):
    with pytest.raises(InvalidPolicy) as refused:
        fees_policy(fee)
    assert any(e.startswith(expected) for e in refused.value.errors), refused.value.errors


def test_tier_steps_that_never_apply_are_findings():
    policy = fees_policy("""
        any:
          tiers:
            from: purchase
            steps: [{from_day: 0, percent: 0}, {from_day: 6, percent: 100}, {from_day: 3, percent: 50},
                    {from_day: 3, percent: 60}]
    """)
    report = analyse(policy)
    assert report.fee_findings == [
        "fees.f.any.tiers.steps[1]: from day 6 never applies, as steps[2] (from day 3) comes after it; list the "
        "steps by increasing from_day, each day once",
        "fees.f.any.tiers.steps[2]: from day 3 never applies, as steps[3] (from day 3) comes after it; list the "
        "steps by increasing from_day, each day once"]
    assert report.findings and "fee never applies: fees.f.any.tiers.steps[1]: from day 6" in "\n".join(report.lines())


def test_a_fee_that_can_outgrow_a_price_is_a_warning_not_a_finding():
    policy = fees_policy("""
        used: [{amount: "5.00", per: unit}, {percent: 10, floor: "2.00"}, {amount: "1.00", ceiling: "0.50"}]
    """)
    report = analyse(policy)
    assert report.warnings == [
        "fees.f.used[0]: a fixed 5.00 per unit can be more than the price it is charged on (it is then cut to the "
        "price); use `percent`, or add a `ceiling`",
        "fees.f.used[1]: the floor 2.00 can be more than a cheap item's price (the fee is then cut to the price); "
        "lower it, or leave it out"]
    assert not report.fee_findings and "warning: fees.f.used[0]: a fixed 5.00" in "\n".join(report.lines())


@pytest.mark.parametrize("name", ["kinectr", "kainamo", "motion-hardware", "kaolate"])
def test_the_presets_fees_have_nothing_to_report(name):
    report = analyse(preset(name))
    assert report.fee_findings == [] and report.warnings == []


@pytest.mark.parametrize("fees, expected", [
    ({"f": {"used": [{"percent": 1}] * 60, "any": [{"percent": 1}] * 41}},
     f"fees: more than {bounds.MAX_FEES} fees; merge schedules"),
    ({"f": {"any": {"tiers": {"from": "purchase", "steps": [{"from_day": d, "percent": 1} for d in range(51)]}}}},
     f"fees.f.any.tiers.steps: 51 steps; a fee may have at most {bounds.MAX_TIER_STEPS}"),
])
def test_more_fees_or_tier_steps_than_the_limits_are_refused_before_validation(fees, expected):
    document = {"policy": "p", "name": "P", "timezone": "UTC", "clauses": {"c": "C"}, "fees": fees, "rules": [],
                "otherwise": {"decide": "nope"}}   # invalid too: the limit is named first
    with pytest.raises(InvalidPolicy) as refused:
        parse_policy(document)
    assert refused.value.errors[0].startswith(expected)


def test_the_limits_leave_room_for_a_real_schedule():
    fees = {"f": {"used": [{"percent": 1}] * 50, "any": {"tiers": {"from": "purchase", "steps": [
        {"from_day": d, "percent": 1} for d in range(bounds.MAX_TIER_STEPS)]}}}}
    bounds.check_document({"fees": fees})
