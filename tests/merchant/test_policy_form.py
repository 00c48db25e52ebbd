"""The policy settings form: read from the document, written back into it, the rest kept intact."""
import pytest
import yaml
from werkzeug.datastructures import MultiDict

from integration.policy.loader import resolve_policy_path
from integration.merchant.policy_form import FormErrors, apply_form, form_groups, group_errors, read_form

KAOLATE = resolve_policy_path("kaolate").read_text()
MOTION = resolve_policy_path("motion-hardware").read_text()


def _form(text: str, **changes) -> MultiDict:
    """The form as a browser would post it unchanged, with some fields changed."""
    rows = read_form(text)
    fields = MultiDict()
    for w in rows["windows"]:
        fields.update({f"window.{w['name']}.from": w["from"], f"window.{w['name']}.length": str(w["length"]),
                       f"window.{w['name']}.unit": w["unit"]})
    for c in rows["item_classes"]:
        fields[f"class.{c['index']}.tags"] = c["tags"]
    for r in rows["payers"]:
        fields[f"payer.{r['index']}"] = r["payer"]
    for r in rows["evidence"]:
        fields[f"evidence.{r['index']}.shown"] = "1"
        for kind in r["kinds"]:
            fields.add(f"evidence.{r['index']}", kind)
    for r in rows["cancellations"]:
        fields[f"cancel.{r['index']}.decide"] = r["decide"]
    for name, fee_rows in rows["fees"].items():
        for f in fee_rows:
            key = f"fee.{name}.{f['condition']}"
            fields.update({f"{key}.kind": f["kind"], f"{key}.value": str(f["value"]), f"{key}.per": f["per"]})
            if f["up_to"]:
                fields[f"{key}.up_to"] = "1"
    for key, value in changes.items():
        fields.setlist(key.replace("__", "."), value if isinstance(value, list) else [value])
    return fields


def test_reading_a_preset_shows_its_windows_classes_and_cancellations():
    rows = read_form(KAOLATE)
    assert {w["name"]: (w["from"], w["length"], w["unit"]) for w in rows["windows"]}["return_window"] == \
        ("delivery", 30, "days")
    assert [c["name"] for c in rows["item_classes"]] == ["final_sale", "custom"]
    assert "cancel-custom-within-hour" in [r["id"] for r in rows["cancellations"]]


def test_an_unchanged_form_keeps_the_document_the_same():
    assert yaml.safe_load(apply_form(KAOLATE, _form(KAOLATE))) == yaml.safe_load(KAOLATE)
    assert yaml.safe_load(apply_form(MOTION, _form(MOTION))) == yaml.safe_load(MOTION)


def test_changing_a_window_changes_only_that_window():
    before = yaml.safe_load(KAOLATE)
    after = yaml.safe_load(apply_form(KAOLATE, _form(KAOLATE, **{"window.return_window.length": "45"})))
    assert after["windows"]["return_window"] == {"from": "delivery", "days": 45}
    after["windows"]["return_window"]["days"] = 30
    assert after == before


def test_payer_evidence_tags_fees_and_cancellations_are_written_where_they_belong():
    rules = yaml.safe_load(KAOLATE)["rules"]
    exchange = next(i for i, r in enumerate(rules) if r["id"] == "size-exchange")
    cancel = next(i for i, r in enumerate(rules) if r["id"] == "cancel-custom-too-late")
    text = apply_form(KAOLATE, _form(KAOLATE, **{f"payer.{exchange}": "merchant", f"evidence.{exchange}": ["photos"],
                                                 "class.1.tags": "custom, bespoke", f"cancel.{cancel}.decide": "review"}))
    doc = yaml.safe_load(text)
    assert doc["rules"][exchange]["return"] == {"required": True, "shipping_paid_by": "merchant"}
    assert doc["rules"][exchange]["evidence"] == ["photos"]
    assert doc["item_classes"][1]["match"] == {"tags": ["custom", "bespoke"]}
    assert doc["rules"][cancel]["decide"] == "review" and doc["rules"][cancel]["resolution"] == ["cancel_and_refund"]
    fees = yaml.safe_load(apply_form(MOTION, _form(MOTION, **{"fee.by_condition.unused.value": "12.5",
                                                               "fee.by_condition.damaged.kind": "amount",
                                                               "fee.by_condition.damaged.value": "5"})))["fees"]
    assert fees["by_condition"]["unused"] == {"percent": "12.5", "up_to": True}
    assert fees["by_condition"]["damaged"] == {"amount": "5", "per": "unit", "up_to": True}


def test_a_new_window_and_class_are_added():
    doc = yaml.safe_load(apply_form(KAOLATE, _form(KAOLATE, **{
        "window.new.name": "warranty", "window.new.from": "delivery", "window.new.length": "1",
        "window.new.unit": "years", "class.new.name": "digital", "class.new.tags": "stl, digital"})))
    assert doc["windows"]["warranty"] == {"from": "delivery", "years": 1}
    assert doc["item_classes"][-1] == {"name": "digital", "match": {"tags": ["stl", "digital"]}}


@pytest.mark.parametrize("changes, group, words", [
    ({"window.return_window.length": "thirty"}, "windows.return_window", "whole number"),
    ({"window.return_window.length": "-3"}, "windows.return_window", "at least 0"),
    ({"class.new.name": "custom"}, "item_classes[2]", "not used yet"),
    ({"fee.by_condition.unused.value": "150"}, "fees.by_condition.unused", "0 to 100"),
])
def test_errors_are_shown_next_to_their_field(changes, group, words):
    text = KAOLATE if "fee.by_condition.unused.value" not in changes else MOTION
    with pytest.raises(FormErrors) as info:
        apply_form(text, _form(text, **changes))
    by_group, rest = group_errors(info.value.errors, form_groups(read_form(text)))
    assert not rest and any(words in m for m in by_group[group]), info.value.errors


def test_a_compiler_error_lands_on_its_rule():
    rules = yaml.safe_load(KAOLATE)["rules"]
    index = next(i for i, r in enumerate(rules) if r["id"] == "cancel-within-day")
    rows = read_form(KAOLATE)
    by_group, _ = group_errors({f"rules[{index}]": ["a rule that can grant needs a resolution"]}, form_groups(rows))
    assert by_group == {f"rules[{index}]": ["a rule that can grant needs a resolution"]}
