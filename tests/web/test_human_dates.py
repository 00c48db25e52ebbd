"""The policy, version, shadow report, message and replay pages write times in the shop's zone and outcomes in words,
never an ISO stamp, "UTC" or a stored key such as needs_review (issue 19, item 8)."""
from datetime import datetime, timezone

from sqlalchemy import select, update

from integration.db.engine import transaction
from integration.db.models import PolicyVersion, Shop
from integration.db.notify_models import Message, MessageAttempt
from integration.db.request_models import ReturnCase
from integration.merchant.labels import outcome_words, message_state_words
from integration.notify.announce import announce
from integration.shops.mode import LIVE_SINCE
from tests.web.test_human_labels import assert_for_people, story, visible  # noqa: F401  (story: the fixture)

AT = datetime(2026, 12, 7, 0, 34, tzinfo=timezone.utc)   # 17:34 on 6 Dec in the shop's zone (America/Denver)
WORDS = "6 Dec 2026, 17:34"


def _at_fixed_times(rt, shop_id: int) -> None:
    """Every stored moment these pages show is AT (the request a minute before it went live)."""
    with transaction(rt.sessions) as session:
        session.execute(update(PolicyVersion).where(PolicyVersion.shop_id == shop_id).values(created_at=AT))
        session.execute(update(ReturnCase).where(ReturnCase.shop_id == shop_id)
                        .values(created_at=AT.replace(minute=33)))
        shop = session.get(Shop, shop_id)
        shop.settings = {**shop.settings, LIVE_SINCE: AT.isoformat()}


def test_policy_pages_say_when_a_version_was_saved_in_the_shops_zone(client, rt, shops, story):  # noqa: F811
    _at_fixed_times(rt, shops["shopify"].id)
    with rt.sessions() as session:
        version = session.scalar(select(PolicyVersion.id).where(PolicyVersion.shop_id == shops["shopify"].id))
    overview = client.get("/app/policy/").get_data(as_text=True)
    assert f", version 1, saved {WORDS}." in overview
    listing = client.get("/app/policy/versions").get_data(as_text=True)
    assert f"<td>{WORDS}</td>" in listing
    shown = client.get(f"/app/policy/versions/{version}").get_data(as_text=True)
    assert f", saved {WORDS}</small></h1>" in shown
    for page in (overview, listing, shown):
        assert "UTC" not in visible(page)
        assert_for_people(page)


def test_the_shadow_report_writes_days_and_outcomes_for_people(client, rt, shops, story):  # noqa: F811
    _at_fixed_times(rt, shops["shopify"].id)
    page = client.get("/app/shadow/").get_data(as_text=True)
    assert f'(until it went live, <time datetime="{AT.isoformat()}">{WORDS}</time>)' in page
    assert "<time datetime=\"2026-12-07T00:33:00+00:00\">6 Dec 2026</time><br>left to your review</td>" in page
    assert "needs review" not in page and "needs_review" not in page and "UTC" not in visible(page)
    assert_for_people(page)


def test_a_messages_attempts_say_when_in_the_shops_zone(client, rt, shops, story):  # noqa: F811
    shop_id = shops["shopify"].id
    with transaction(rt.sessions) as session:
        case = session.scalars(select(ReturnCase).where(ReturnCase.shop_id == shop_id)).first()
        announce(session, case, "request.received", {})
    with transaction(rt.sessions) as session:
        message = session.scalars(select(Message).where(Message.shop_id == shop_id)).first()
        message.attempt_log.append(MessageAttempt(started_at=AT, finished_at=AT, status="succeeded"))
        message_id = message.id
    page = client.get(f"/app/notifications/messages/{message_id}").get_data(as_text=True)
    assert f">{WORDS}</time>: succeeded</li>" in page
    assert '<dd class="state pending">waiting to be sent' in page   # the message's own state in words
    assert_for_people(page)


def test_outcomes_read_as_words():
    assert [outcome_words(o) for o in ("approved", "denied", "needs_evidence", "needs_review")] == [
        "approved", "denied", "waiting for evidence", "left to your review"]
    assert outcome_words("some_new_state") == "some new state" and outcome_words(None) == ""
    assert [message_state_words(s) for s in ("succeeded", "dead", "skipped")] == ["sent", "failed for good", "not sent"]
