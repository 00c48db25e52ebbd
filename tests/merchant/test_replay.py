"""Replaying a draft against a shop's past requests: each decided again, and the changes counted."""
from sqlalchemy import func, select

from integration.db.models import Shop
from integration.db.request_models import Action, Decision
from integration.policy.loader import load_policy_text, resolve_policy_path
from integration.merchant.replay import replay
from tests.policy_page_helpers import defective, past_request, store_order

KAOLATE = resolve_policy_path("kaolate").read_text()


def _counts(rt):
    with rt.sessions() as session:
        return session.scalar(select(func.count(Decision.id))), session.scalar(select(func.count(Action.id)))


def test_a_shorter_window_changes_only_the_late_request(rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    late = past_request(rt, shop_id, order_pk, defective(15), "late")       # day 10 after delivery
    early = past_request(rt, shop_id, order_pk, defective(6), "early")      # day 1
    cancel = past_request(rt, shop_id, order_pk, {"type": "cancellation", "submitted_at": "2026-05-12T10:00:00-06:00"},
                          "cancel")
    other_order = store_order(rt, shops["woocommerce"].id, "7001")
    past_request(rt, shops["woocommerce"].id, other_order, defective(15), "theirs")
    before = _counts(rt)
    draft = load_policy_text(KAOLATE.replace("return_window: {from: delivery, days: 30}",
                                             "return_window: {from: delivery, days: 5}"))
    with rt.sessions() as session:
        result = replay(session, session.get(Shop, shop_id), draft)
    rows = {r.case_id: r for r in result.rows}
    assert set(rows) == {late, early, cancel}                               # never another shop's requests
    assert (result.changed, result.unchanged, result.failed) == (1, 2, 0)
    assert rows[late].before["outcome"] == "approved" and rows[late].after["outcome"] == "needs_review"
    assert rows[late].changes == ("outcome", "rules")     # a review still shows the refund it would give
    assert rows[late].after["rules"][0] == "late-defect-case-by-case"
    assert rows[early].after == rows[early].before and not rows[early].changes
    assert _counts(rt) == before                                            # nothing recorded, nothing planned


def test_replaying_the_current_policy_changes_nothing(rt, shops):
    shop_id = shops["shopify"].id
    order_pk = store_order(rt, shop_id)
    past_request(rt, shop_id, order_pk, defective(15), "a")
    with rt.sessions() as session:
        result = replay(session, session.get(Shop, shop_id), load_policy_text(KAOLATE))
    assert (result.changed, result.unchanged) == (0, 1)
