"""The settings pages on a policy written with issue 18's constructs: the published text words every window and fee,
and the form shows the fee algebra as set in the YAML editor and keeps it when saved."""
from integration.merchant.policy_form import apply_form, read_form
from integration.merchant.policy_text import published_sections, to_markdown
from tests.helpers import policy_from_yaml

TEXT = """
policy: studio
name: Studio
timezone: America/Chicago
calendar: {holidays: ["2026-12-25"]}
clauses: {c: "Our terms."}
windows:
  returns: {from: delivery, business_days: 30}
  holiday: {from: purchase, ends_on: "01-31"}
  stock_cancel: {until: shipment}
  before_proof: {until: milestone.proof_sent}
  full_refund: {before: event, days: 14}
fees:
  restocking:
    used: [{percent: 20, floor: "5.00"}, {base: label}]
    unused: {percent: 10}
  cancel_tiers:
    any:
      tiers: {from: purchase, unit: days, steps: [{from_day: 0, percent: 0}, {from_day: 3, percent: 50}]}
rules:
  - id: returns
    clause: c
    when: {type: [return], window: {returns: inside}}
    decide: approve
    resolution: [refund]
    return: {required: true, shipping_paid_by: customer}
    refund: {deductions: restocking}
"""


def test_the_published_text_words_every_new_window_and_fee():
    text = to_markdown(policy := policy_from_yaml(TEXT), published_sections(policy))
    for words in ("30 business days from delivery", "from purchase until 31 January", "until it ships",
                  "until the proof sent stage", "until 14 days before your event date",
                  "20 % of the item price (at least 5.00) plus the return label at cost"):
        assert words in text, words


def test_the_form_shows_the_fee_algebra_read_only_and_saving_keeps_it():
    rows = read_form(TEXT)
    used = next(r for r in rows["fees"]["restocking"] if r["condition"] == "used")
    unused = next(r for r in rows["fees"]["restocking"] if r["condition"] == "unused")
    tiers = next(r for r in rows["fees"]["cancel_tiers"] if r["condition"] == "any")
    assert used["kind"] == tiers["kind"] == "advanced" and "floor" in used["yaml"] and "tiers" in tiers["yaml"]
    assert (unused["kind"], unused["value"]) == ("percent", 10)
    # The form posts only the simple rows (the advanced ones have no inputs): unused goes to 15 %.
    saved = policy_from_yaml(apply_form(TEXT, {"fee.restocking.unused.kind": "percent",
                                               "fee.restocking.unused.value": "15"}))
    assert str(saved.fees["restocking"]["unused"].percent) == "15"
    assert saved.fees["restocking"]["used"].also and saved.fees["cancel_tiers"]["any"].tiers is not None
