"""Coverage of `{at_least, below}` conditions: the value that stands for an interval passes every bound as any value
in that interval does, so policy check neither misses a kind of request nor invents one."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from integration.policy.conditions.thresholds import Threshold, cut_points

AMOUNTS = st.integers(0, 5000).map(lambda cents: Decimal(cents).scaleb(-2))
BOUNDS = st.builds(Threshold, st.none() | AMOUNTS, st.none() | AMOUNTS).filter(
    lambda t: (t.at_least, t.below) != (None, None) and (None in (t.at_least, t.below) or t.at_least < t.below))


@given(st.lists(BOUNDS, max_size=5), AMOUNTS)
def test_every_value_is_judged_as_its_intervals_representative(bounds, value):
    values = cut_points(bounds, Decimal(0), unknown=False)
    representative = max(v for v in values if v <= value)
    assert [b.holds(representative) for b in bounds] == [b.holds(value) for b in bounds]


@given(st.lists(BOUNDS, min_size=1, max_size=5))
def test_unknown_is_tried_and_matches_no_bound(bounds):
    values = cut_points(bounds, Decimal(0), unknown=True)
    assert values[0] is None and not any(b.holds(None) for b in bounds)
    assert len(values) <= 2 * len(bounds) + 2
