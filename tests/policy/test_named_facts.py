"""The engine works out only the facts a policy's rules name: on every preset, a thousand varied cases are decided
exactly as when every fact is worked out."""
from dataclasses import replace

import pytest

from bench.cases import make_cases
from integration.contract.case_schema import load_case
from integration.contract.decision import decision_json
from integration.policy.engine import decide
from integration.policy.facts import ENGINE_FACTS
from integration.policy.loader import load_policy_file, preset_names

CASES = [load_case(c) for c in make_cases(1000, seed=18)]


@pytest.mark.parametrize("name", preset_names())
def test_deciding_with_only_the_named_facts_decides_the_same(name):
    policy = load_policy_file(name)
    everything = replace(policy, facts_named=None)
    assert ENGINE_FACTS <= policy.facts_named
    for case in CASES:
        assert decision_json(decide(policy, case)) == decision_json(decide(everything, case))


def test_a_policy_names_the_facts_of_its_rules_any_of_included():
    named = load_policy_file("kaolate").facts_named
    assert {"gift", "units", "order_tags"} <= named   # adjustments' and any_of's conditions count
    assert not {"customer_history", "line_value", "edit_kind"} & named
