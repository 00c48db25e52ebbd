"""Each preset against its scenario table, written from the merchant's own text (tests/scenarios/)."""
from pathlib import Path

import pytest
import yaml

from tests.helpers import decide_json, preset

SCENARIOS = Path(__file__).parent / "scenarios"
PRESETS = {"kinectr": "kinectr", "kainamo": "kainamo", "motion_hardware": "motion-hardware",
           "kaolate": "kaolate", "paper_and_vow": "paper-and-vow", "oak_and_iron": "oak-and-iron"}


def _load():
    for table, name in PRESETS.items():
        for entry in yaml.safe_load((SCENARIOS / f"{table}.yaml").read_text()):
            yield pytest.param(name, entry, id=f"{name}: {entry['name']}")


def _dig(decision: dict, dotted: str):
    value = decision
    for part in dotted.split("."):
        value = value[part]
    return value


@pytest.mark.parametrize("policy_name, entry", list(_load()))
def test_scenario(policy_name, entry):
    decision = decide_json(preset(policy_name), entry["case"])
    for key, expected in entry["expect"].items():
        if key == "evidence_required_includes":
            assert set(expected) <= set(decision["evidence_required"]), decision["explanation"]
        else:
            assert _dig(decision, key) == expected, (
                f"{key}: expected {expected!r}, got {_dig(decision, key)!r}\n"
                f"clause: {entry['clause']}\nrules: {decision['rules']}\n{decision['explanation']}")


def test_every_table_has_at_least_20_cases_each_naming_its_clause():
    for table in PRESETS:
        entries = yaml.safe_load((SCENARIOS / f"{table}.yaml").read_text())
        assert len(entries) >= 20
        assert all(e.get("clause") and e.get("name") for e in entries)
