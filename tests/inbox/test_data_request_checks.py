"""customers/data_request is checked like the other compliance topics (issue 16, item 5: follow-up): it must name this
shop's domain and id and carry none of another topic's fields; a mismatch is kept in the inbox as refused and
assembles no export of the customer's data."""
import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import ComplianceExport, Shop
from integration.inbox.topic_checks import PLATFORM_ID
from tests.inbox.test_topic_checks import deliver, storied  # noqa: F401  (fixtures)
from tests.webhook_helpers import load_fixture

DATA_REQUEST = load_fixture("shopify", "customers_data_request")


def _exports(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(ComplianceExport))


def _know_shop_id(rt, shops, value: str) -> None:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        shop.settings = {**(shop.settings or {}), PLATFORM_ID: value}


def test_a_customers_redact_body_replayed_as_a_data_request_is_refused(storied, rt, queue):
    status, error = deliver(storied, rt, queue, "customers/data_request", load_fixture("shopify", "customers_redact"))
    assert status == "refused" and "orders_to_redact" in error and "only another topic's" in error
    assert _exports(rt) == 0


@pytest.mark.parametrize("change, field", [({"shop_domain": "someone-else.myshopify.com"}, "shop_domain"),
                                           ({"shop_id": 1234}, "shop_id"), ({"shop_id": None}, "shop_id")])
def test_a_data_request_for_another_shop_is_refused(storied, rt, queue, shops, change, field):
    _know_shop_id(rt, shops, "8880001")
    status, error = deliver(storied, rt, queue, "customers/data_request", {**DATA_REQUEST, **change})
    assert status == "refused" and error.startswith(f"customers/data_request: {field}")
    assert _exports(rt) == 0


def test_a_genuine_data_request_assembles_the_export(storied, rt, queue, shops):
    _know_shop_id(rt, shops, "8880001")
    assert deliver(storied, rt, queue, "customers/data_request", DATA_REQUEST) == ("processed", None)
    assert _exports(rt) == 1
