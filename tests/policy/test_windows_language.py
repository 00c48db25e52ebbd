"""Issue 18 windows in the language: the document's new keys, their errors, decisions and `policy check`."""
from datetime import date, timedelta

import pytest

from integration.policy.check import analyse
from integration.policy.compiler import InvalidPolicy
from integration.policy.loader import load_policy_text
from tests.helpers import decide_json, make_case, policy_from_yaml

HEAD = """
policy: t
name: Test policy
timezone: America/Chicago
clauses: {c: "Our words."}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(InvalidPolicy) as info:
        load_policy_text(text)
    return info.value.errors


@pytest.mark.parametrize("extra, expected", [
    ("windows: {w: {before: delivery, days: 3}}",
     "windows.w.before: 'delivery' is not a valid count-back anchor (expected one of: event, milestone.<name>)"),
    ("windows: {w: {from: shipmnt, days: 3}}", "windows.w.from: 'shipmnt' is not a valid window anchor; did you mean "
                                                "'shipment'?"),
    ("windows: {w: {from: milestone., days: 1}}", "windows.w.from: 'milestone.' names no milestone; write e.g. "
                                                   "'milestone.proof_sent'"),
    ("windows: {w: {until: delivery}}", "windows.w.until: 'delivery' is not a valid window end"),
    ("windows: {w: {from: purchase, ends_on: '13-01'}}",
     "windows.w.ends_on: '13-01' is not a month and day; write it as 'MM-DD', e.g. '01-31'"),
    ("windows: {w: {from: purchase, ends_on: 2027-01-31}}", "windows.w.ends_on: '2027-01-31' is not a month and day"),
    ("windows: {w: {from: purchase, days: 3, ends_on: '01-31'}}", "windows.w: give exactly one length"),
    ("windows: {w: {until: shipment, days: 2}}", "windows.w: a window with 'until' takes no length"),
    ("windows: {w: {before: event, months: 1}}",
     "windows.w: a window 'before' an event takes exactly one length: days, business_days or hours"),
    ("windows: {w: {before: event, ends_on: '01-31'}}", "windows.w: a window 'before' an event takes exactly one"),
    ("windows: {w: {from: delivery, until: shipment}}", "windows.w: give one of 'from', 'until' or 'before', not "
                                                         "'from' and 'until'"),
    ("windows: {w: {business_days: 3}}", "windows.w.from: is required"),
    ("windows: {w: {from: delivery, business_days: 0}}", "windows.w.business_days: must be at least 1, not 0"),
    ("calendar: {business_days: []}", "calendar.business_days: give at least one working day"),
    ("calendar: {business_days: [mon, funday]}", "calendar.business_days[1]: 'funday' is not a valid weekday"),
    ("calendar: {holidays: ['2026-13-01']}",
     "calendar.holidays[0]: '2026-13-01' is not a date; write it as 'YYYY-MM-DD', e.g. '2026-12-25'"),
    ("calendar: {holydays: []}", "calendar.holydays: unknown field; did you mean 'holidays'?"),
])
def test_window_and_calendar_errors_name_the_path_and_the_fix(extra, expected):
    errors = errors_of(HEAD + extra + "\nrules: []\n")
    assert any(e.startswith(expected) for e in errors), errors


def test_a_calendar_closed_for_more_than_a_year_is_refused():
    # Open on Mondays only, and every Monday for 60 weeks a holiday: closed from Tue 29 Dec 2026, 6 + 60 x 7 days.
    days = [date(2027, 1, 4) + timedelta(weeks=i) for i in range(60)]
    text = HEAD + f"calendar: {{business_days: [mon], holidays: [{', '.join(str(d) for d in days)}]}}\nrules: []\n"
    assert any(e.startswith("calendar.holidays: the shop would be closed 426 days in a row") for e in errors_of(text))
    load_policy_text(text.replace(str(days[30]), "2030-01-07"))   # one working Monday in the middle: accepted


def test_unquoted_yaml_dates_are_holidays():
    policy = load_policy_text(HEAD + "calendar: {business_days: [mon, tue, wed, thu, fri, sat], "
                                     "holidays: [2026-12-25, '2027-01-01']}\nrules: []\n")
    assert sorted(str(d) for d in policy.calendar.holidays) == ["2026-12-25", "2027-01-01"]
    assert policy.calendar.workdays == frozenset(range(6))


THIRTY_BUSINESS = policy_from_yaml(HEAD + """
calendar: {holidays: ["2026-05-25"]}
windows: {return: {from: delivery, business_days: 30}}
rules:
  - {id: in, clause: c, when: {window: {return: inside}}, decide: approve, resolution: [refund],
     return: {required: true, shipping_paid_by: customer}}
  - {id: out, clause: c, when: {window: {return: outside}}, decide: deny}
""")


@pytest.mark.parametrize("submitted, outcome, verb", [
    ("2026-06-15T23:59:59-05:00", "approved", "closes"), ("2026-06-16T00:00:00-05:00", "denied", "closed")])
def test_thirty_business_days_give_the_right_deadline_in_the_decision_and_its_words(submitted, outcome, verb):
    # Delivered Fri 1 May; 30 business days, Memorial Day (25 May) a holiday: Mon 15 June.
    d = decide_json(THIRTY_BUSINESS, make_case(delivered_at="2026-05-01T13:00:00-05:00", submitted_at=submitted))
    assert (d["outcome"], d["deadline"]) == (outcome, "2026-06-15T23:59:59-05:00")
    assert f"The window {verb} on 15 Jun 2026, 23:59 (America/Chicago)." in d["explanation"]


STAGES = policy_from_yaml(HEAD + """
windows:
  stock_cancel: {until: shipment}
  before_proof: {until: milestone.proof_sent}
  full_refund: {before: event, days: 14}
rules:
  - {id: not-shipped, clause: c, when: {type: [cancellation], window: {stock_cancel: inside}}, decide: approve,
     resolution: [cancel_and_refund], return: {required: false}, refund: {shipping: whole_order}}
  - {id: shipped, clause: c, when: {type: [cancellation]}, decide: deny, explain: it has shipped}
  - {id: before-proof, clause: c, when: {window: {before_proof: inside}}, decide: approve, resolution: [refund]}
  - {id: early, clause: c, when: {window: {full_refund: inside}}, decide: approve, resolution: [store_credit]}
  - {id: late, clause: c, decide: deny}
""")
TWO_LINES = [
    {"id": "1", "title": "Lamp", "quantity": 1, "unit_price": "40.00", "shipped_at": "2026-05-02T10:00:00-05:00"},
    {"id": "2", "title": "Plate", "quantity": 1, "unit_price": "20.00", "shipped_at": None}]


def test_whole_order_cancellation_cancels_the_unshipped_line_and_keeps_the_shipped_one():
    case = make_case(type="cancellation", items=[], lines=TWO_LINES, delivered_at=None,
                     submitted_at="2026-05-03T10:00:00-05:00")
    d = decide_json(STAGES, case)
    assert (d["outcome"], d["resolution"]) == ("approved", "cancel_and_refund")
    assert [(l["line_item_id"], l["outcome"], l["rule"]) for l in d["lines"]] == \
        [("1", "denied", "shipped"), ("2", "approved", "not-shipped")]
    assert (d["refund"]["items"], d["refund"]["shipping"]) == ("20.00", "0.00")   # not the whole order
    assert '"Lamp" stays on the order: the cancellation covers only the other lines.' in d["explanation"]


def test_whole_order_cancellation_that_no_line_allows_is_denied_and_names_no_kept_lines():
    lines = [dict(TWO_LINES[0]), dict(TWO_LINES[1], shipped_at="2026-05-02T11:00:00-05:00")]
    d = decide_json(STAGES, make_case(type="cancellation", items=[], lines=lines, delivered_at=None,
                                      submitted_at="2026-05-03T10:00:00-05:00"))
    assert d["outcome"] == "denied" and "stays on the order" not in d["explanation"]
    assert d["refund"]["total"] == "0.00"


@pytest.mark.parametrize("milestones, event_at, rule", [
    ({"proof_sent": None}, None, "before-proof"),
    ({"proof_sent": "2026-05-10T09:00:00-05:00"}, "2026-06-20T15:00:00-05:00", "early"),      # 12 May <= 6 Jun
    ({"proof_sent": "2026-05-10T09:00:00-05:00"}, "2026-05-20T15:00:00-05:00", "late"),       # 12 May > 6 May
    ({"proof_sent": "2026-05-10T09:00:00-05:00"}, None, "late"),                               # unknown event
])
def test_milestones_and_the_event_come_from_the_case(milestones, event_at, rule):
    case = make_case(reason="changed_mind", milestones=milestones, event_at=event_at)
    assert decide_json(STAGES, case)["lines"][0]["rule"] == rule


def _never_fire(windows: str, whens: list[str]) -> list[str]:
    rules = "\n".join(f"  - {{id: r{i}, clause: c, decide: deny, when: {{window: {w}}}}}" for i, w in enumerate(whens))
    report = analyse(load_policy_text(HEAD + f"windows: {windows}\nrules:\n{rules}\n  - {{id: rest, clause: c, "
                                             "decide: deny}\n"))
    return [line.split(":")[0] for line in report.never_fire]


def test_check_knows_a_longer_count_back_closes_first():
    windows = "{full: {before: event, days: 14}, half: {before: event, days: 7}}"
    assert _never_fire(windows, ["{full: inside, half: outside}", "{full: outside, half: inside}"]) == \
        ["rules[0] 'r0'"]


def test_check_knows_business_days_reach_as_far_as_calendar_days():
    windows = "{d: {from: delivery, days: 10}, b: {from: delivery, business_days: 10}}"
    assert _never_fire(windows, ["{d: inside, b: outside}", "{b: inside, d: outside}"]) == ["rules[0] 'r0'"]


@pytest.mark.parametrize("windows, when", [
    ("{e: {from: purchase, ends_on: '01-31'}, d: {from: purchase, days: 30}}", "{e: inside, d: outside}"),
    ("{e: {from: purchase, ends_on: '01-31'}, d: {from: purchase, days: 30}}", "{d: inside, e: outside}"),
    ("{b: {from: delivery, business_days: 10}, d: {from: delivery, days: 12}}", "{b: inside, d: outside}"),
    ("{u: {until: shipment}, f: {from: shipment, days: 3}}", "{u: inside, f: unknown}"),
    ("{u: {until: shipment}, f: {from: shipment, days: 3}}", "{u: outside, f: inside}"),
    ("{b: {before: event, days: 7}, f: {from: event, days: 1}}", "{b: outside, f: inside}"),
    ("{w: {from: delivery, days: 7, fallback: {from: shipment, days: 10}}}", "{w: unknown}"),
])
def test_check_claims_no_nesting_that_does_not_hold(windows, when):
    assert _never_fire(windows, [when]) == []
