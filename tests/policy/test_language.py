"""The policy language: what it accepts, and errors that name the path and the fix."""
import pytest

from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text, preset_names
from tests.helpers import preset

BASE = """
policy: t
name: Test policy
timezone: America/Chicago
clauses: {c: "Our words."}
windows: {w: {from: delivery, days: 14}}
fees: {f: {unused: {percent: 10, up_to: true}}}
terms: {cm: {resolution: [refund], return: {required: true, shipping_paid_by: customer}}}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(InvalidPolicy) as info:
        load_policy_text(text)
    return info.value.errors


def test_the_presets_ship_and_compile():
    assert preset_names() == ["blank", "kainamo", "kaolate", "kinectr", "motion-hardware", "oak-and-iron", "paper-and-vow"]
    for name in preset_names():
        policy = preset(name)
        assert policy.rules and all(r.clause in policy.clauses for r in policy.rules)


@pytest.mark.parametrize("rules, expected", [
    ("- {id: a, clause: c, decide: deny, when: {reason: [damagd]}}",
     "rules[0].when.reason[0]: 'damagd' is not a valid reason; did you mean 'damaged_in_transit'?"),
    ("- {id: a, clause: c, decide: deny, when: {resaon: [defective]}}",
     "rules[0].when.resaon: unknown field; did you mean 'reason'?"),
    ("- {id: a, clause: x, decide: deny}", "rules[0].clause: 'x' is not a defined clause"),
    ("- {id: a, clause: c, decide: deny, when: {window: {v: inside}}}",
     "rules[0].when.window: 'v' is not a defined window; define it under `windows` or use one of: w"),
    ("- {id: a, clause: c, decide: deny, when: {window: {w: insdie}}}",
     "rules[0].when.window.w: 'insdie' is not a valid window state; did you mean 'inside'?"),
    ("- {id: a, clause: c, decide: approve, terms: cm, refund: {deductions: g}}",
     "rules[0].refund.deductions: 'g' is not a defined fee schedule"),
    ("- {id: a, clause: c, decide: approve, terms: mc}", "rules[0].terms: 'mc' is not a defined terms bundle"),
    ("- {id: a, clause: c, decide: approve}", "rules[0]: a rule that can grant needs a resolution"),
    ("- {id: a, clause: c, decide: approve, resolution: [refund], return: {required: true}}",
     "rules[0].return: say who pays return shipping"),
    ("- {id: a, clause: c, decide: deny}\n- {id: a, clause: c, decide: deny}",
     "rules[1].id: 'a' is used twice"),
    ("- {id: A B, clause: c, decide: deny}", "rules[0].id: 'A B' is not a valid id"),
    ("- {id: a, clause: c, decide: deny, when: {item_class: [custon]}}",
     "rules[0].when.item_class: 'custon' is not a defined item class"),
    ("- {id: a, clause: c, decide: deny, when: {any_of: [{reason: [nope]}]}}",
     "rules[0].when.any_of[0].reason[0]: 'nope' is not a valid reason"),
])
def test_rule_errors_name_the_path_and_the_fix(rules, expected):
    errors = errors_of(BASE + "rules:\n" + "\n".join("  " + line for line in rules.splitlines()))
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize("extra, expected", [
    ("windows: {w: {from: delivery}}", "windows.w: give exactly one length"),
    ("windows: {w: {days: 3}}", "windows.w.from: is required"),
    ("windows: {w: {until: production_start, days: 2}}", "windows.w: a window with 'until' takes no"),
    ("fees: {f: {unused: {percent: 120}}}", "fees.f.unused.percent: must be 0 to 100"),
    ("fees: {f: {unused: {percent: 5, amount: '1.00'}}}", "fees.f.unused: give either 'percent' or 'amount'"),
    ("fees: {f: {wet: {percent: 5}}}", "fees.f.wet (the key): 'wet' is not a valid condition"),
    ("timezone: America/Chicgo", "timezone: 'America/Chicgo' is not an IANA time zone; did you mean 'America/Chicago'?"),
])
def test_document_errors_name_the_path(extra, expected):
    key = extra.split(":")[0]
    lines = [line for line in BASE.splitlines() if not line.startswith(key + ":")]
    errors = errors_of("\n".join(lines) + "\n" + extra + "\nrules: []\n")
    assert any(e.startswith(expected) for e in errors), errors


def test_missing_top_level_fields_are_named():
    errors = errors_of("name: x\n")
    assert {"policy: is required", "timezone: is required", "clauses: is required", "rules: is required"} <= set(errors)


def test_a_policy_that_is_not_a_mapping_says_what_a_policy_is():
    assert "a policy is a YAML mapping" in errors_of("- just a list\n")[0]


def test_check_finds_a_rule_shadowed_by_an_earlier_one():
    policy = load_policy_text(BASE + """rules:
  - {id: all-returns, clause: c, decide: deny, when: {type: [return]}}
  - {id: defective-returns, clause: c, decide: approve, terms: cm, when: {type: [return], reason: [defective]}}
""")
    report = analyse(policy)
    assert report.never_fire == ["rules[1] 'defective-returns': every request it matches is decided by an "
                                 "earlier rule, or its conditions cannot all hold"]


def test_check_finds_conditions_that_cannot_hold_together():
    # Inside a 1-hour window from purchase but outside a 24-hour one is impossible.
    policy = load_policy_text(BASE.replace("windows: {w: {from: delivery, days: 14}}",
                                           "windows: {h1: {from: purchase, hours: 1}, h24: {from: purchase, hours: 24}}")
                              + """rules:
  - {id: impossible, clause: c, decide: deny, when: {window: {h1: inside, h24: outside}}}
  - {id: rest, clause: c, decide: deny}
""")
    assert [line.split(":")[0] for line in analyse(policy).never_fire] == ["rules[0] 'impossible'"]


def test_check_lists_requests_no_rule_covers():
    policy = load_policy_text(BASE + """rules:
  - {id: returns, clause: c, decide: deny, when: {type: [return, exchange, warranty]}}
""")
    report = analyse(policy)
    assert report.uncovered == ["cancellation · reason damaged_in_transit/defective/wrong_item/not_as_described/"
                                "changed_mind/ordered_wrong_variant/cosmetic_variation/late_delivery/other · "
                                "class standard · condition sealed/unused/used/modified/damaged/unknown"]
    assert not report.never_fire


def test_check_reports_a_delivery_window_nobody_handles_when_delivery_is_unknown():
    policy = load_policy_text(BASE + """rules:
  - {id: in, clause: c, decide: approve, terms: cm, when: {window: {w: inside}}}
  - {id: out, clause: c, decide: deny, when: {window: {w: outside}}}
""")
    assert all(line.endswith("w unknown") for line in analyse(policy).uncovered)


def test_presets_leave_no_rule_that_never_fires():
    for name in preset_names():
        assert analyse(preset(name)).never_fire == [], name
