"""The merchant's own evidence kinds: defined once, asked for by rules, missing or provided, in words, linted."""
import json

import jsonschema
import pytest

from integration.contract.case_schema import InvalidCase, load_case
from integration.contract.decision import decision_json
from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.engine import decide
from integration.policy.loader import load_policy_text
from tests.helpers import CONTRACT, make_case

KINDS = """
evidence_kinds:
  packing_slip:    {label: "A photo of the packing slip", files: [image/jpeg, image/png, application/pdf]}
  serial_photo:    {label: "A photo of the serial number", files: [image/jpeg, image/png]}
  return_tracking: {label: "The tracking number of your return shipment", text: true}
"""
POLICY = """
policy: t
name: Test policy
timezone: America/Chicago
clauses: {c: "Defects are refunded with proof."}
rules:
  - {id: defect, clause: c, decide: approve, when: {reason: [defective]}, evidence: [photos, serial_photo],
     resolution: [refund], explain: defects are refunded}
  - {id: slip, clause: c, decide: approve, when: {reason: [wrong_item]}, evidence: [packing_slip, return_tracking],
     resolution: [refund]}
""" + KINDS


def _errors(text: str) -> list[str]:
    with pytest.raises(InvalidPolicy) as info:
        load_policy_text(text)
    return info.value.errors


def _decided(reason="defective", **evidence):
    policy = load_policy_text(POLICY)
    case = load_case(make_case(reason=reason, evidence=evidence))
    return decide(policy, case)


def test_the_kinds_compile_with_their_labels_and_types():
    kinds = load_policy_text(POLICY).evidence_kinds
    assert list(kinds) == ["packing_slip", "serial_photo", "return_tracking"]
    assert kinds["packing_slip"].files == ("image/jpeg", "image/png", "application/pdf")
    assert (kinds["return_tracking"].text, kinds["return_tracking"].files) == (True, ())


@pytest.mark.parametrize("kinds, expected", [
    ('{Packing: {label: "x", files: [image/png]}}', "evidence_kinds.Packing: 'Packing' is not a valid evidence kind id"),
    ('{photos: {label: "x", files: [image/png]}}', "evidence_kinds.photos: 'photos' is a built-in evidence kind"),
    ('{payload: {label: "x", text: true}}', "evidence_kinds.payload: 'payload' is the name of another field"),
    ('{slip: {label: "x"}}', "evidence_kinds.slip: give either `files: [image/jpeg, application/pdf]`"),
    ('{slip: {label: "x", text: true, files: [image/png]}}', "evidence_kinds.slip: give either"),
    ('{slip: {label: "x", files: [image/gif]}}', "evidence_kinds.slip.files[0]: 'image/gif' is not a valid evidence "
                                                 "file type"),
    ('{slip: {files: [image/png]}}', "evidence_kinds.slip.label: is required"),
    ("{" + ", ".join(f"k{n}: {{label: x, text: true}}" for n in range(21)) + "}",
     "evidence_kinds: 21 kinds; a policy may define at most 20"),
])
def test_a_bad_kind_is_named_with_the_fix(kinds, expected):
    text = POLICY.split("evidence_kinds:")[0].replace("serial_photo", "photos").replace(
        "packing_slip, return_tracking", "photos") + f"evidence_kinds: {kinds}\n"
    assert any(e.startswith(expected) for e in _errors(text)), _errors(text)


def test_a_rule_asking_for_an_undefined_kind_gets_a_did_you_mean():
    errors = _errors(POLICY.replace("[photos, serial_photo]", "[photos, serial_phot]"))
    assert errors == ["rules[0].evidence[1]: 'serial_phot' is not a defined evidence kind; did you mean 'serial_photo'?"]
    errors = _errors(POLICY.replace("[photos, serial_photo]", "[receipt]"))
    assert errors[0].startswith("rules[0].evidence[0]: 'receipt' is not a defined evidence kind; define it under "
                                "`evidence_kinds` or use one of: photos, video, description, order_number, packing_slip")


def test_a_missing_kind_is_needs_evidence_in_the_merchants_words():
    decision = _decided(photos=2)
    assert decision.outcome == "needs_evidence" and decision.evidence_missing == ("serial_photo",)
    assert "Please send a photo of the serial number with your request" in decision.explanation
    wrong = _decided("wrong_item")
    assert wrong.evidence_missing == ("packing_slip", "return_tracking")
    assert ("Please send a photo of the packing slip or the tracking number of your return shipment"
            in wrong.explanation)


def test_a_provided_kind_is_enough_and_another_kind_is_not():
    assert _decided(photos=1, provided=["serial_photo"]).outcome == "approved"
    assert _decided(photos=1, provided=["packing_slip"]).evidence_missing == ("serial_photo",)
    assert _decided(provided=["serial_photo"]).evidence_missing == ("photos",)   # built-ins stay as they were


def test_the_decision_with_own_kinds_keeps_the_contract():
    schema = json.loads((CONTRACT / "decision.schema.json").read_text())
    document = decision_json(_decided(photos=1))
    assert document["evidence_required"] == ["photos", "serial_photo"]
    jsonschema.validate(document, schema)


def test_the_case_carries_provided_kinds_and_refuses_bad_ones():
    schema = json.loads((CONTRACT / "case.schema.json").read_text())
    good = make_case(evidence={"photos": 1, "provided": ["packing_slip"]})
    jsonschema.validate(good, schema)
    assert load_case(good).request.evidence.provided == ("packing_slip",)
    with pytest.raises(InvalidCase) as info:
        load_case(make_case(evidence={"provided": ["Packing Slip"]}))
    assert info.value.errors[0].startswith("request.evidence.provided[0]: 'Packing Slip' is not valid")


def test_policy_check_names_a_kind_no_rule_asks_for():
    assert analyse(load_policy_text(POLICY)).unasked_evidence == []
    report = analyse(load_policy_text(POLICY.replace("[packing_slip, return_tracking]", "[return_tracking]")))
    assert report.unasked_evidence == ["evidence_kinds.packing_slip: no rule asks for it, so customers are never "
                                       "asked for it; add it to a rule's `evidence` or remove it"]
    assert report.findings and "never asked for: evidence_kinds.packing_slip" in "\n".join(report.lines())


def test_the_settings_form_keeps_the_merchants_own_kinds_it_has_no_checkbox_for():
    from integration.merchant.policy_form import _set_evidence

    rule = {"evidence": ["order_number", "serial_photo", "photos"]}
    _set_evidence(rule, ["photos", "video"])   # order_number unticked, video ticked; serial_photo has no box
    assert rule["evidence"] == ["serial_photo", "photos", "video"]
