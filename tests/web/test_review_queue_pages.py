"""The requests waiting for the merchant's decision, a page at a time: each shown one carries its evidence and the
resolutions approving may grant (worked out from the policy), so a backlog is read a page at a time, oldest first,
with the filters kept and a form's error shown on the page of its request."""
import pytest

from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine
from integration.merchant import review_queue
from integration.orders.picture import find_order
from integration.web import review_pages
from tests.request_helpers import UNLISTED_REASON, shopify_story, submit
from tests.web_helpers import csrf_from, sign_in

WAITING = 5


def _copies_of_the_story_order(rt, shop_id: int, count: int) -> list[str]:
    """`count` more orders like the story's (numbers #3000...), each with its own units to ask about."""
    skip = {"id", "order_id", "number"}
    with transaction(rt.sessions) as session:
        base = find_order(session, session.get(Shop, shop_id), "5550001")
        for n in range(count):
            copy = Order(**{c.key: getattr(base, c.key) for c in Order.__table__.columns if c.key not in skip},
                         order_id=f"66{n}", number=f"#{3000 + n}")
            copy.lines = [OrderLine(**{c.key: getattr(line, c.key) for c in OrderLine.__table__.columns
                                       if c.key not in ("id", "order_pk")}) for line in base.lines]
            session.add(copy)
    return [f"66{n}" for n in range(count)]


@pytest.fixture()
def backlog(client, rt, queue, shops, monkeypatch):
    """WAITING requests waiting for the merchant's decision, two to a page; (their ids oldest first, a page getter)."""
    monkeypatch.setattr(review_queue, "PAGE_SIZE", 2)
    shopify_story(client, rt, queue)
    sign_in(client, shops["shopify"].id)
    ids = [submit(rt, shops["shopify"].id, UNLISTED_REASON, f"b-{order}", order_id=order)
           for order in _copies_of_the_story_order(rt, shops["shopify"].id, WAITING)]
    return ids, lambda query="": client.get(f"/app/review/{query}").get_data(as_text=True)


def _shown(page: str, ids: list[int]) -> list[int]:
    return [case_id for case_id in ids if f'id="case-{case_id}"' in page]


def test_the_oldest_come_first_a_page_at_a_time_and_the_counts_are_of_all(backlog):
    ids, page = backlog
    first = page()
    assert _shown(first, ids) == ids[:2] and f"Your decision ({WAITING})" in first
    assert "Requests 1 to 2 of 5, oldest first." in first and "Page 1 of 3" in first
    assert 'href="/app/review/?page=2#decisions" rel="next">Newer requests' in first and 'rel="prev"' not in first
    last = page("?page=3")
    assert _shown(last, ids) == ids[4:] and "Requests 5 to 5 of 5" in last and 'rel="next"' not in last
    assert 'href="/app/review/?page=2#decisions" rel="prev">Older requests' in last
    assert _shown(page("?page=9"), ids) == ids[4:]   # past the end: the last page


def test_only_the_shown_requests_have_their_offers_worked_out(backlog, monkeypatch):
    ids, page = backlog
    asked = []
    real = review_pages.approve_offer
    monkeypatch.setattr(review_pages, "approve_offer",
                        lambda db, shop, case: asked.append(case.id) or real(db, shop, case))
    page("?page=2")
    assert asked == ids[2:4]


def test_the_filters_stay_on_the_page_links(backlog):
    ids, page = backlog
    text = page("?type=return&q=30")
    assert 'href="/app/review/?type=return&amp;q=30&amp;page=2#decisions"' in text and _shown(text, ids) == ids[:2]


def test_a_page_that_is_not_a_number_is_named_with_its_fix(backlog):
    ids, page = backlog
    text = page("?page=two")
    assert "page: give a page number from 1, such as 2" in text and _shown(text, ids) == ids[:2]


def test_a_decision_refused_is_shown_on_the_page_of_its_request(backlog, client):
    ids, _ = backlog
    token = csrf_from(client.get("/app/review/").data)
    response = client.post(f"/app/review/{ids[4]}/decide",
                           data={"csrf_token": token, "decision": "approve", "reason": " ", "reviewer": "Robin"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and _shown(text, ids) == ids[4:] and "Page 3 of 3" in text
    assert "reason: say why, in a few words" in text
