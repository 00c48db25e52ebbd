"""The dashboard's figures on a small fixture, computed by hand."""
from datetime import timedelta
from decimal import Decimal

import pytest

from adapters.http import PlatformError
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.db.request_models import ReturnCase
from integration.outbox.run import run_action
from integration.merchant.dashboard import dashboard_stats
from integration.requests.decide import record_inspection
from tests.request_helpers import DEFECTIVE_NO_PHOTOS, UNLISTED_REASON, latest, shopify_story, submit, use_policy

CHANGED_MIND = {"type": "return", "submitted_at": "2026-05-20T10:00:00-06:00", "reason": "changed_mind",
                "items": [{"line_item_id": "9001", "quantity": 2}]}
# E takes the tee's last unit (the other was refunded before), so B is a late defect claim on the custom bracket:
# kaolate approves those case by case (the merchant reviews).
LATE_DEFECT = {"type": "return", "submitted_at": "2026-07-01T10:00:00-06:00", "reason": "defective",
               "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2}}


class Gateway:
    """Succeeds, or fails with `error` (for good unless retryable)."""

    def __init__(self, error=None, retryable=False):
        self.error, self.retryable = error, retryable

    def __call__(self, shop):
        return self

    def perform(self, kind, payload, key, ledger=None, locks=None):
        if self.error:
            raise PlatformError(self.error, status=500 if self.retryable else 422, retryable=self.retryable)
        return {"id": f"gid://shopify/Refund/{key}"}


def _run(rt, case_id, gateway):
    for action_id in latest(rt, case_id)["action_ids"]:
        run_action(rt, action_id, gateway)


def _made_before_first_decision(rt, case_id, span):
    with transaction(rt.sessions) as session:
        case = session.get(ReturnCase, case_id)
        case.created_at = case.decisions[0].created_at - span
        return case.created_at


@pytest.fixture()
def fixture(client, rt, queue, shops):
    """E approved and refunded 20.91 (2.25 fees; the other tee was refunded before) after inspection; D denied; B reviewed; C waits for evidence;
    F made 40 days ago (denied: E's refund took the tee's last unit, and it stays taken although Shopify's
    refunds/create has not come)."""
    shop_id = shops["shopify"].id
    shopify_story(client, rt, queue)
    use_policy(rt, shop_id, "motion-hardware")
    e = submit(rt, shop_id, CHANGED_MIND, "e")
    with transaction(rt.sessions) as session:
        record_inspection(session, session.get(Shop, shop_id), session.get(ReturnCase, e), {"9001": "unused"}, "Robin")
    _run(rt, e, Gateway())
    use_policy(rt, shop_id, "kaolate")
    # C (waiting for photos) holds nothing, so it goes before B, whose review then holds the bracket.
    d, c, b = (submit(rt, shop_id, CHANGED_MIND, "d"), submit(rt, shop_id, DEFECTIVE_NO_PHOTOS, "c"),
               submit(rt, shop_id, LATE_DEFECT, "b"))
    _run(rt, d, Gateway("422 archived"))                          # customer_note and order_note: dead
    run_action(rt, latest(rt, b)["action_ids"][0], Gateway("503", retryable=True))   # tag_order: retrying
    for case_id, minutes in ((e, 1), (d, 2), (b, 3), (c, 4)):
        _made_before_first_decision(rt, case_id, timedelta(minutes=minutes))
    f = submit(rt, shop_id, UNLISTED_REASON, "f")
    _made_before_first_decision(rt, f, timedelta(days=40))
    with transaction(rt.sessions) as session:
        refund = next(a for a in session.get(ReturnCase, e).decisions[-1].actions if a.kind == "refund")
        made = session.get(ReturnCase, e).created_at
        refund.attempt_log[-1].finished_at = made + timedelta(hours=26)
    return shop_id


def _stats(rt, shop_id, days):
    with rt.sessions() as session:
        return dashboard_stats(session, shop_id, days)


def test_the_figures_match_the_hand_count(rt, fixture):
    stats = _stats(rt, fixture, 30)
    assert stats.by_outcome == {"approved": 1, "denied": 1, "needs_review": 1, "needs_evidence": 1}
    assert stats.by_reason == {"changed_mind": 2, "defective": 2}
    assert stats.refunded == {"USD": Decimal("20.91")}   # 22.50 - 2.25 + 0.66 tax
    assert stats.fees_withheld == {"USD": Decimal("2.25")}
    assert stats.median_to_decision == timedelta(minutes=2, seconds=30)
    assert stats.median_to_refund == timedelta(hours=26)
    assert stats.failing == {"dead": 2, "retrying": 1}
    assert len(stats.per_day) == 30 and sum(sum(c.values()) for _, c in stats.per_day) == 4


def test_the_period_decides_which_requests_count(rt, fixture):
    assert (_stats(rt, fixture, 90).requests, _stats(rt, fixture, 90).by_outcome["denied"]) == (5, 2)
    assert _stats(rt, fixture, 7).requests == 4


def test_another_shop_sees_none_of_it(rt, fixture, shops):
    stats = _stats(rt, shops["woocommerce"].id, 90)
    assert (stats.requests, stats.refunded, stats.fees_withheld, stats.failing) == (0, {}, {}, {"dead": 0, "retrying": 0})
    assert stats.median_to_decision is None and stats.median_to_refund is None


def test_only_the_offered_periods(rt, fixture):
    with pytest.raises(ValueError, match="days"):
        _stats(rt, fixture, 365)
