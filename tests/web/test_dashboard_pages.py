"""The dashboard page: the period's figures, a bar chart, and the same figures as a table."""
import re
from datetime import timedelta

import pytest

from integration.web.dashboard_pages import chart_bars, duration_words
from tests.merchant.test_dashboard import fixture  # noqa: F401  (the hand-counted fixture)
from tests.web_helpers import sign_in


def test_the_page_shows_the_figures_and_a_chart_with_a_table(client, fixture):  # noqa: F811
    sign_in(client, fixture)
    page = client.get("/app/dashboard/?days=7").get_data(as_text=True)
    assert '<option value="7" selected>' in page
    assert re.search(r'id="refunded">20.91 USD<', page) and re.search(r'id="fees">2.25 USD<', page)
    assert 'id="to-decision">2 min<' in page and 'id="to-refund">1 d 2 h<' in page
    assert 'id="failing">2 dead · 1 retrying<' in page
    assert 'id="outcome-approved">1<' in page and 'id="reason-changed_mind">2<' in page
    assert page.count("<rect ") == 4 and 'role="img"' in page and "<title id=\"chart-title\">" in page
    assert "Requests per day as a table" in page


def test_an_unknown_period_falls_back_to_30_days(client, fixture):  # noqa: F811
    sign_in(client, fixture)
    assert '<option value="30" selected>' in client.get("/app/dashboard/?days=365").get_data(as_text=True)


def test_another_shop_sees_only_its_own_figures(client, fixture, shops):  # noqa: F811
    sign_in(client, shops["woocommerce"].id)
    page = client.get("/app/dashboard/?days=90").get_data(as_text=True)
    assert "20.91" not in page and "<rect " not in page and 'id="outcome-approved">0<' in page


def test_bars_stack_outcomes_to_scale():
    bars, width = chart_bars([("d1", {"approved": 2, "denied": 2}), ("d2", {"approved": 1})])
    first, second = bars
    assert [s["height"] for s in first["segments"]] == [80.0, 80.0] and first["segments"][1]["y"] == 0
    assert second["segments"][0]["height"] == 40.0 and second["x"] == 18 and width == 36


@pytest.mark.parametrize("seconds, words", [(None, "—"), (40, "40 s"), (150, "2 min"), (7500, "2 h 5 min"),
                                            (93600, "1 d 2 h")])
def test_durations_read_as_people_say_them(seconds, words):
    assert duration_words(None if seconds is None else timedelta(seconds=seconds)) == words
