"""Windows: calendar days in the shop's zone (anchor day = day 0, DST-proof), hours as elapsed time."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from integration.domain.case import LineItem, Order
from integration.policy.calendar import Calendar, business_days_between
from integration.policy.conditions.window import _nests
from integration.policy.model import Window
from integration.policy.windows import window_state
from tests.helpers import decide_json, make_case, policy_from_yaml
from tests.properties.strategies import UTC, ZONES, instants, local_instant, written
from tests.tiers import examples

SECOND = timedelta(seconds=1)
LAST = time(23, 59, 59)
ANCHOR_FIELDS = {"delivery": "delivered_at", "purchase": "placed_at", "production_start": "production_started_at"}


def parse(text: str) -> datetime:
    """An RFC 3339 string as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """The zone's UTC-offset changes in 2024-2028 (they all fall on a whole UTC hour)."""
    tz, out = ZoneInfo(zone), []
    hour = datetime(2024, 1, 1, tzinfo=UTC)
    while hour.year < 2029:
        if (hour - timedelta(hours=1)).astimezone(tz).utcoffset() != hour.astimezone(tz).utcoffset():
            out.append(hour)
        hour += timedelta(hours=1)
    return tuple(out)


def anchors(zone: str, span: timedelta) -> st.SearchStrategy[datetime]:
    """Instants anywhere in 2024-2028, or within `span` before (or 2 days after) one of the zone's DST switches."""
    near = st.sampled_from(transitions(zone) or (datetime(2026, 3, 8, tzinfo=UTC),)).flatmap(
        lambda t: st.integers(-int(span.total_seconds()) - 2 * 86400, 2 * 86400).map(lambda s: t + s * SECOND))
    return st.one_of(instants(), near)


@st.composite
def day_setups(draw, zones=ZONES):
    """(zone, anchor kind, anchor written in some offset, N): a random N-day window."""
    zone = draw(st.sampled_from(zones))
    n = draw(st.integers(0, 400))
    anchor = draw(anchors(zone, timedelta(days=n)))
    return ZoneInfo(zone), draw(st.sampled_from(sorted(ANCHOR_FIELDS))), parse(draw(written(anchor))), n


def order_anchored(kind: str, anchor: datetime) -> tuple[Order, LineItem]:
    """An order whose `kind` anchor (delivery, purchase or production start) happened at `anchor`."""
    line = LineItem("1", "Widget", 1, Decimal("10"))
    fields = {"placed_at": anchor - timedelta(days=3), ANCHOR_FIELDS[kind]: anchor}
    return Order("1", "USD", fields.pop("placed_at"), (line,), **fields), line


def state(window: Window, kind: str, anchor: datetime, submitted: datetime, zone: ZoneInfo):
    """window_state for a request submitted at `submitted` on an order anchored at `anchor`."""
    order, line = order_anchored(kind, anchor)
    return window_state(window, order, line, submitted, zone)


@st.composite
def moment_on(draw, day: date, zone: ZoneInfo) -> datetime:
    """An instant whose local date in the zone is `day`, written in a random offset."""
    clock = draw(st.one_of(st.times(), st.just(LAST), st.just(time(0))))
    instant = local_instant(day, clock, zone, draw(st.integers(0, 1)))
    assume(instant.astimezone(zone).date() == day)
    return parse(draw(written(instant)))


def last_instant(day: date, zone: ZoneInfo) -> datetime:
    """The last whole second whose local date is `day` (the later one when 23:59:59 happens twice)."""
    return local_instant(day, LAST, zone, fold=1)


def evening_repeats(day: date, zone: ZoneInfo) -> bool:
    """True when 23:59:59 happens twice on `day` (a DST switch back at local midnight)."""
    return local_instant(day, LAST, zone, 0) != local_instant(day, LAST, zone, 1)


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(day_setups(), st.data())
def test_day_n_is_inside_and_day_n_plus_1_is_outside(setup, data):
    zone, kind, anchor, n = setup
    window = Window("w", kind, unit="days", length=n)
    last_day = anchor.astimezone(zone).date() + timedelta(days=n)
    assert state(window, kind, anchor, data.draw(moment_on(last_day, zone)), zone)[0] == "inside"
    after = data.draw(moment_on(last_day + timedelta(days=1), zone))
    assert state(window, kind, anchor, after, zone)[0] == "outside"


def check_deadline(zone: ZoneInfo, kind: str, anchor: datetime, n: int) -> None:
    """The deadline is 23:59:59 local on day N, in the zone's offset, and the next second is day N + 1."""
    window = Window("w", kind, unit="days", length=n)
    last_day = anchor.astimezone(zone).date() + timedelta(days=n)
    deadline = state(window, kind, anchor, anchor, zone)[1]
    assert (deadline.date(), deadline.time()) == (last_day, LAST)
    assert deadline.utcoffset() == deadline.astimezone(UTC).astimezone(zone).utcoffset()
    assert deadline.isoformat() == last_instant(last_day, zone).astimezone(zone).isoformat()
    assert (deadline.astimezone(UTC) + SECOND).astimezone(zone).date() == last_day + timedelta(days=1)


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(day_setups())
def test_deadline_is_the_last_second_of_day_n_in_the_shop_zone(setup):
    check_deadline(*setup)


@st.composite
def repeated_evening_setups(draw):
    """Like day_setups, but day N is an evening whose 23:59:59 happens twice (Santiago falls back at midnight)."""
    zone = ZoneInfo("America/Santiago")
    evenings = [d for d in ((t - SECOND).astimezone(zone).date() for t in transitions(zone.key))
                if evening_repeats(d, zone)]
    n = draw(st.integers(0, 60))
    day0 = draw(st.sampled_from(evenings)) - timedelta(days=n)
    anchor = local_instant(day0, draw(st.times()), zone)
    assume(anchor.astimezone(zone).date() == day0)
    return zone, draw(st.sampled_from(sorted(ANCHOR_FIELDS))), parse(draw(written(anchor))), n


# Regression: the deadline was the first 23:59:59, an hour early, though the repeated hour was judged inside.
@example(setup=(ZoneInfo("America/Santiago"), "delivery", parse("2026-04-01T12:00:00-03:00"), 3))
@pytest.mark.scaled
@settings(max_examples=examples(50), deadline=None)
@given(repeated_evening_setups())
def test_deadline_on_an_evening_that_happens_twice_is_the_later_one(setup):
    zone, kind, anchor, n = setup
    check_deadline(zone, kind, anchor, n)
    last = last_instant(anchor.astimezone(zone).date() + timedelta(days=n), zone)
    assert state(Window("w", kind, unit="days", length=n), kind, anchor, last, zone)[0] == "inside"


@st.composite
def hour_setups(draw):
    """(zone, anchor kind, anchor, N): a random N-hour window, anchors often near a DST switch."""
    zone = draw(st.sampled_from(ZONES))
    n = draw(st.integers(0, 200))
    anchor = draw(anchors(zone, timedelta(hours=n)))
    return ZoneInfo(zone), draw(st.sampled_from(sorted(ANCHOR_FIELDS))), anchor, n


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(hour_setups(), st.data())
def test_hour_window_is_elapsed_time_whatever_the_offsets(setup, data):
    zone, kind, anchor, n = setup
    window = Window("w", kind, unit="hours", length=n)
    end = anchor + timedelta(hours=n)
    written_anchor = parse(data.draw(written(anchor)))
    inside, deadline = state(window, kind, written_anchor, parse(data.draw(written(end))), zone)
    assert inside == "inside"
    # Compare in UTC: Python's == between zones is False for a wall time that happens twice (PEP 495).
    assert deadline.astimezone(UTC) == end and deadline.utcoffset() == end.astimezone(zone).utcoffset()
    assert state(window, kind, written_anchor, parse(data.draw(written(end + SECOND))), zone)[0] == "outside"


POLICY = """
policy: days
name: Days
timezone: {zone}
clauses: {{w: "Within {n} days of delivery."}}
windows: {{w: {{from: delivery, days: {n}}}}}
rules:
  - {{id: inside, clause: w, when: {{window: {{w: inside}}}}, decide: approve, resolution: [refund]}}
  - {{id: outside, clause: w, when: {{window: {{w: outside}}}}, decide: deny}}
"""


@pytest.mark.scaled
@settings(max_examples=examples(100), deadline=None)
@given(day_setups(), st.booleans(), st.data())
def test_decision_reports_the_window_and_its_deadline(setup, late, data):
    zone, _, anchor, n = setup
    last_day = anchor.astimezone(zone).date() + timedelta(days=n)
    submitted = data.draw(moment_on(last_day + timedelta(days=late), zone))
    policy = policy_from_yaml(POLICY.format(zone=zone.key, n=n))
    case = make_case(delivered_at=anchor.isoformat(), placed_at=(anchor - timedelta(days=1)).isoformat(),
                     submitted_at=submitted.isoformat())
    decision = decide_json(policy, case)
    assert decision["outcome"] == ("denied" if late else "approved")
    assert decision["deadline"] == last_instant(last_day, zone).astimezone(zone).isoformat()


# --- issue 18: business days, counting back, ends_on, and what `policy check` may assume -------------------

calendars = st.builds(Calendar, st.frozensets(st.integers(0, 6), min_size=1),
                      st.frozensets(st.dates(date(2023, 12, 1), date(2029, 12, 31)), max_size=25))
"""A shop's week (at least one working day) and up to 25 holidays anywhere in 2024-2028."""


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    """The instant's date in the zone."""
    return instant.astimezone(zone).date()


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(ZONES), instants(), st.integers(1, 60), calendars, st.booleans(), st.data())
def test_business_day_deadline_is_a_business_day_n_business_days_away(zone, anchor, n, cal, back, data):
    zone = ZoneInfo(zone)
    window = Window("w", "delivery", unit="business_days", length=n, before=back)
    order, line = order_anchored("delivery", anchor)
    deadline = window_state(window, order, line, anchor, zone, cal)[1]
    start, last = local_day(anchor, zone), deadline.date()
    assert cal.is_business_day(last) and deadline.time() == LAST
    # Forward: n business days in (start, last]; back: n in [last, start), the last one the deadline's day.
    day = timedelta(days=1)
    counted = business_days_between(last - day, start - day, cal) if back else business_days_between(start, last, cal)
    assert counted == n
    assert window_state(window, order, line, data.draw(moment_on(last, zone)), zone, cal)[0] == "inside"
    after = data.draw(moment_on(last + timedelta(days=1), zone))
    assert window_state(window, order, line, after, zone, cal)[0] == "outside"


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(ZONES), instants(), st.integers(0, 400), st.data())
def test_counting_back_is_inside_exactly_through_the_event_date_minus_n(zone, event, n, data):
    zone = ZoneInfo(zone)
    window = Window("w", "event", unit="days", length=n, before=True)
    order = Order("1", "USD", event - timedelta(days=500), (LineItem("1", "Widget", 1, Decimal("10")),),
                  event_at=event)
    submitted = parse(data.draw(written(data.draw(instants()))))
    state, deadline = window_state(window, order, order.line_items[0], submitted, zone)
    assert deadline.date() + timedelta(days=n) == local_day(event, zone) and deadline.time() == LAST
    assert (state == "inside") == (local_day(submitted, zone) <= local_day(event, zone) - timedelta(days=n))


@pytest.mark.scaled
@settings(max_examples=examples(200), deadline=None)
@given(st.sampled_from(ZONES), instants(), st.integers(1, 12), st.integers(1, 28), st.data())
def test_ends_on_is_the_first_such_date_on_or_after_the_anchor_day(zone, anchor, month, day, data):
    zone = ZoneInfo(zone)
    order, line = order_anchored("purchase", anchor)
    deadline = window_state(Window("w", "purchase", ends_on=(month, day)), order, line, anchor, zone)[1]
    start, last = local_day(anchor, zone), deadline.date()
    assert (last.month, last.day) == (month, day) and start <= last <= start + timedelta(days=366)
    assert not any((start + timedelta(days=k)).timetuple()[1:3] == (month, day) for k in range((last - start).days))


FORWARD_UNITS = ("days", "business_days", "hours", "months", "years")
COUNT_BACK_UNITS = ("days", "business_days", "hours")


def window_kinds(anchor: str) -> st.SearchStrategy[Window]:
    """Windows of every length kind on one anchor, counting forward or (where the language allows) back."""
    forward = st.builds(lambda unit, n: Window("w", anchor, unit=unit, length=n),
                        st.sampled_from(FORWARD_UNITS), st.integers(0, 40))
    back = st.builds(lambda unit, n: Window("w", anchor, unit=unit, length=n, before=True),
                     st.sampled_from(COUNT_BACK_UNITS), st.integers(0, 40))
    ends = st.builds(lambda m, d: Window("w", anchor, ends_on=(m, d)), st.integers(1, 12), st.integers(1, 28))
    return st.one_of(forward, back, ends)


@pytest.mark.scaled
# Most drawn pairs do not nest (the assume() below keeps those that do): filtering is the point here, so the health
# check that counts filtered draws (it failed 1 run in 6 on 2 cores) is not a finding about the code.
@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.sampled_from(ZONES), st.data())
def test_windows_check_says_nest_are_open_together(zone, data):
    # policy check drops the combinations _nests rules out: a nested window must never be open alone.
    zone, anchor_kind = ZoneInfo(zone), data.draw(st.sampled_from(("delivery", "event")))
    a = data.draw(window_kinds(anchor_kind))
    units = COUNT_BACK_UNITS if a.before else FORWARD_UNITS
    b = data.draw(st.one_of(window_kinds(anchor_kind), st.builds(  # often a's direction with another length
        lambda n, unit: replace(a, length=n, unit=unit), st.integers(0, 40), st.sampled_from(units))))
    assume(_nests(a, b))
    anchor, cal = data.draw(instants()), data.draw(calendars)
    order = Order("1", "USD", anchor - timedelta(days=3), (LineItem("1", "Widget", 1, Decimal("10")),),
                  delivered_at=anchor, event_at=anchor)
    # Often a's own last moment (or just before it): where a nesting claim that does not hold shows.
    a_end = window_state(a, order, order.line_items[0], anchor, zone, cal)[1]
    jitter = timedelta(seconds=data.draw(st.integers(0, 2 * 86400)))
    near = st.just(a_end - jitter) if data.draw(st.booleans()) else st.nothing()
    submitted = data.draw(st.one_of(near, st.integers(-90 * 86400, 90 * 86400).map(lambda s: anchor + s * SECOND)))
    states = [window_state(w, order, order.line_items[0], submitted, zone, cal)[0] for w in (a, b)]
    assert states != ["inside", "outside"], (a, b)


@pytest.mark.scaled
@settings(max_examples=examples(300), deadline=None)
@given(st.sampled_from(ZONES), instants(), calendars, st.sampled_from(("days", "business_days", "hours", "months")),
       st.integers(0, 60), st.integers(0, 60), st.booleans())
def test_a_longer_window_never_closes_before_a_shorter_one_on_the_same_anchor(zone, anchor, cal, unit, m, n, back):
    assume(not (back and unit == "months"))
    zone, (short, long_) = ZoneInfo(zone), sorted((m, n))
    assume(unit != "business_days" or short > 0)
    order, line = order_anchored("delivery", anchor)
    ends = [window_state(Window("w", "delivery", unit=unit, length=k, before=back), order, line, anchor, zone, cal)[1]
            for k in (short, long_)]
    # Counting back, the longer window is the one that closes first.
    assert (ends[1] <= ends[0]) if back else (ends[0] <= ends[1])
