"""The `returnkit` CLI as a user runs it: JSON and JSON Lines in, decisions out, exit 2 on bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import contract_validator, make_case

EXAMPLE = Path(__file__).parents[1] / "contract" / "example_case.json"


def run(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "integration.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def _decisions(stdout: str) -> list[dict]:
    out = [json.loads(line) for line in stdout.splitlines()]
    for d in out:
        contract_validator("decision").validate(d)
    return out


def test_decides_a_single_json_case_file():
    result = run("decide", "--policy", "kainamo", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    [decision] = _decisions(result.stdout)
    assert decision["case_id"] == "example-1"
    assert decision["outcome"] == "approved"


def test_decides_json_lines_in_input_order_from_stdin(tmp_path):
    cases = [make_case(reason=r) | {"id": f"c{i}"} for i, r in enumerate(["changed_mind", "defective", "other"])]
    result = run("decide", "--policy", "kaolate", stdin="\n".join(json.dumps(c) for c in cases) + "\n\n")
    assert result.returncode == 0, result.stderr
    assert [d["case_id"] for d in _decisions(result.stdout)] == ["c0", "c1", "c2"]


def test_accepts_a_pretty_printed_case_and_a_json_array(tmp_path):
    pretty = tmp_path / "case.json"
    pretty.write_text(json.dumps(make_case(reason="defective"), indent=2))
    assert run("decide", "--policy", "kaolate", str(pretty)).returncode == 0
    array = tmp_path / "cases.json"
    array.write_text(json.dumps([make_case(), make_case()]))
    result = run("decide", "--policy", "kaolate", str(array))
    assert result.returncode == 0 and len(_decisions(result.stdout)) == 2


def test_accepts_a_policy_file_path(tmp_path):
    policy = tmp_path / "mine.yaml"
    policy.write_text(Path("config/policies/kinectr.yaml").read_text())
    assert run("decide", "--policy", str(policy), str(EXAMPLE)).returncode == 0


def test_bad_case_line_gives_exit_2_one_line_naming_file_line_and_field(tmp_path):
    good, bad = make_case(), make_case(reason="defective")
    bad["request"]["reason"] = "damagd"
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n")
    result = run("decide", "--policy", "kaolate", str(path))
    assert result.returncode == 2
    assert len(_decisions(result.stdout)) == 1  # the good case is still decided
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path} line 3: request.reason: 'damagd' is not a valid reason; "
                           "did you mean 'damaged_in_transit'?")
    assert "Traceback" not in result.stderr


def test_bad_case_names_its_id_when_it_has_one():
    case = make_case() | {"id": "ord-77"}
    case["request"]["items"][0]["quantity"] = 0
    result = run("decide", "--policy", "kaolate", stdin=json.dumps(case))
    assert result.returncode == 2
    assert result.stderr.strip() == "<stdin> (case 'ord-77'): request.items[0].quantity: must be at least 1, not 0"


def test_invalid_json_line_is_reported_not_raised():
    result = run("decide", "--policy", "kaolate", stdin='{"request": \n')
    assert result.returncode == 2
    assert result.stderr.startswith("<stdin> line 1: not valid JSON")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("policy_text, expected", [
    ("policy: x\nname: x\ntimezone: Mars/Base\nclauses: {}\nrules: []\n", "timezone: 'Mars/Base' is not an IANA time zone"),
    ("policy: [unclosed\n", "line 2, column 1: not valid YAML"),
    ("policy: x\nname: x\ntimezone: UTC\nclauses: {c: text}\nrules:\n  - {id: a, clause: c, decide: aprove}\n",
     "rules[0].decide: 'aprove' is not a valid decision; did you mean 'approve'?"),
])
def test_bad_policy_gives_exit_2_and_one_line_naming_the_file_and_path(tmp_path, policy_text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(policy_text)
    result = run("decide", "--policy", str(path), str(EXAMPLE))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{path}: {expected}")


def test_missing_files_are_one_line_errors(tmp_path):
    result = run("decide", "--policy", str(tmp_path / "nope.yaml"), str(EXAMPLE))
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "cannot read the policy" in result.stderr
    result = run("decide", "--policy", "kaolate", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2 and "cannot read the cases" in result.stderr


def test_policy_check_reports_validity_and_findings():
    result = run("policy", "check", "kaolate")
    assert result.returncode == 0
    assert "valid: policy 'kaolate'" in result.stdout
    assert "not covered by any rule: return · reason other" in result.stdout
    assert run("policy", "check", "kaolate", "--strict").returncode == 1


def test_policy_check_lists_every_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("policy: x\nname: x\ntimezone: UTC\nclauses: {}\n"
                    "rules:\n  - {id: a, clause: nope, decide: approve, when: {window: {w: inside}}}\n")
    result = run("policy", "check", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert f"{path}: rules[0].clause: 'nope' is not a defined clause" in lines[0]
    assert any("rules[0].when.window: 'w' is not a defined window" in line for line in lines)
    assert any("a rule that can grant needs a resolution" in line for line in lines)
