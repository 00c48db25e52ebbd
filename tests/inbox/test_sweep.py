"""The periodic sweep: missed deliveries recovered through the same adapters, deduplicated against late
webhooks, paged, with a cursor that only moves forward; webhook subscriptions repaired or reported."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery, WebhookSubscription
from integration.db.order_models import Order
from integration.policy.loader import resolve_policy_path
from integration.orders.picture import find_order
from integration.orders.as_case import order_json
from integration.inbox.sweep import OVERLAP, sweep_shop, sweep_state, sweepable_shops
from integration.shops.core import add_shop
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.shopify_orders_state import order_node
from tests.emulators.woocommerce import WooCommerceEmulator
from tests.orders.test_picture import FakeProducts, replay
from tests.webhook_helpers import SECRET, load_fixture, post_fixture

SINCE = datetime(2026, 1, 1, tzinfo=timezone.utc)
TWIN = "webhook-twin.myshopify.com"
# The webhooks that carry order 5550001 as it now stands: its last version, its fulfillments, its refund.
CURRENT = ["orders_updated__partially_refunded", "fulfillments_update", "fulfillments_update__hoodie_delivered",
           "refunds_create"]
PRODUCTS = ["products_create", "products_create__hoodie"]


def current_node() -> dict:
    """Order 5550001 on the shop, as Shopify's GraphQL Order."""
    order = load_fixture("shopify", "orders_updated__partially_refunded")
    fulfillments = [load_fixture("shopify", n) for n in ("fulfillments_update", "fulfillments_update__hoodie_delivered")]
    return order_node(order, fulfillments=fulfillments, refunds=[load_fixture("shopify", "refunds_create")])


@pytest.fixture()
def shopify(rt, shops):
    emulator = ShopifyEmulator(token="shpat_sweep")
    served = Served(emulator.app)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        shop.api_base_url, shop.api_token = served.url, "shpat_sweep"
    yield emulator
    served.stop()


@pytest.fixture()
def woo(rt, shops):
    emulator = WooCommerceEmulator()
    served = Served(emulator.app)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["woocommerce"].id)
        shop.api_base_url, shop.consumer_key, shop.consumer_secret = served.url, "ck_test", "cs_test"
    yield emulator
    served.stop()


def sweep(rt, shops, platform="shopify", since=SINCE):
    return sweep_shop(rt, shops[platform].id, since, FakeProducts(), enqueue_action=[].append)


def order_of(rt, shop_id, order_id="5550001"):
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        order = find_order(session, shop, order_id)
        return order_json(session, shop, order) if order else None


def deliveries(rt, shop_id) -> list[WebhookDelivery]:
    with rt.sessions() as session:
        return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.shop_id == shop_id)
                                    .order_by(WebhookDelivery.id)))


def test_an_order_whose_webhooks_never_came_is_swept_in_as_the_webhooks_would_have_built_it(client, rt, queue, shops,
                                                                                             shopify):
    with transaction(rt.sessions) as session:
        twin = add_shop(session, platform="shopify", domain=TWIN, webhook_secret=SECRET,
                        policy_text=resolve_policy_path("kaolate").read_text())
    for name in PRODUCTS + CURRENT:
        assert post_fixture(client, "shopify", name, X_Shopify_Shop_Domain=TWIN).status_code == 200
    replay(client, rt, queue, "shopify", PRODUCTS)
    shopify.state.add_order_node(current_node())

    report = sweep(rt, shops)

    assert (report.error, report.fetched, len(report.new), report.statuses) == (None, 1, 4, {"processed": 4})
    assert order_of(rt, shops["shopify"].id) == order_of(rt, twin.id) is not None
    rows = deliveries(rt, shops["shopify"].id)[len(PRODUCTS):]
    assert [r.topic for r in rows] == ["orders/updated", "fulfillments/update", "fulfillments/update", "refunds/create"]
    assert all(r.headers["x-returnkit-source"] == "reconcile" for r in rows)


def test_a_late_webhook_after_the_sweep_is_applied_no_second_time_and_an_older_one_moves_nothing_back(
        client, rt, queue, shops, shopify):
    shopify.state.add_order_node(current_node())
    sweep(rt, shops)
    before = order_of(rt, shops["shopify"].id)
    # Stored (a new delivery), then left unapplied: the sweep's delivery holds the same version.
    assert replay(client, rt, queue, "shopify", CURRENT) == ["ignored"] * len(CURRENT)
    with rt.sessions() as session:
        late = session.scalars(select(WebhookDelivery).where(WebhookDelivery.dedupe_key.like("webhook:%"))).all()
        assert [r.error.startswith("the same version as delivery ") for r in late] == [True] * len(CURRENT)
    assert order_of(rt, shops["shopify"].id) == before
    assert replay(client, rt, queue, "shopify", ["orders_create"]) == ["processed"]   # an older version, late
    assert order_of(rt, shops["shopify"].id) == before
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1


def test_the_webhook_first_then_the_sweep_stores_nothing_again(client, rt, queue, shops, shopify):
    assert replay(client, rt, queue, "shopify", PRODUCTS + CURRENT) == ["processed"] * 6
    before = order_of(rt, shops["shopify"].id)
    shopify.state.add_order_node(current_node())
    report = sweep(rt, shops)
    assert (report.fetched, report.new) == (1, [])
    assert order_of(rt, shops["shopify"].id) == before


def test_a_missed_return_request_is_swept_in_and_decided_once(client, rt, queue, shops, shopify):
    from integration.db.request_models import Action, Decision, ReturnCase
    from tests.emulators.shopify_orders_state import return_node
    replay(client, rt, queue, "shopify", PRODUCTS + CURRENT)
    unwanted = load_fixture("shopify", "returns_request__tee_unwanted")
    node = current_node()
    node["returns"]["nodes"].append(return_node(unwanted, "2026-05-21T10:00:00Z"))
    shopify.state.add_order_node(node)
    queued: list[int] = []
    report = sweep_shop(rt, shops["shopify"].id, SINCE, FakeProducts(), enqueue_action=queued.append)
    assert (len(report.new), report.statuses) == (1, {"processed": 1})
    assert replay(client, rt, queue, "shopify", ["returns_request__tee_unwanted"]) == ["ignored"]   # the webhook, late
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReturnCase)) == 1
        assert session.scalar(select(Decision.outcome)) == "denied"
        assert sorted(session.scalars(select(Action.id))) == sorted(queued) and queued


def _numbered_order(n: int, minutes: int) -> dict:
    rest = load_fixture("shopify", "orders_create")
    stamp = (datetime(2026, 6, 1, tzinfo=timezone.utc) + timedelta(minutes=minutes)).isoformat()
    line = {**rest["line_items"][0], "id": 900000 + n}
    return {**rest, "id": 7000000 + n, "order_number": 5000 + n, "updated_at": stamp, "line_items": [line]}


def test_a_sweep_pages_through_sixty_orders_in_three_pages(rt, shops, shopify):
    for n in range(60):
        shopify.state.add_order_node(order_node(_numbered_order(n, minutes=60 - n)))
    report = sweep(rt, shops)
    pages = [v for name, v in shopify.calls if name == "ReconcileOrders"]
    assert [p["after"] is None for p in pages] == [True, False, False]
    assert (report.fetched, len(report.new), report.statuses) == (60, 60, {"processed": 60})
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 60


def test_the_cursor_advances_and_the_next_sweep_finds_nothing_new_until_an_order_changes(rt, shops, shopify):
    for n in range(3):
        shopify.state.add_order_node(order_node(_numbered_order(n, minutes=n)))
    first = sweep(rt, shops)
    assert first.cursor == datetime(2026, 6, 1, 0, 2, tzinfo=timezone.utc)
    with rt.sessions() as session:
        state = sweep_state(session.get(Shop, shops["shopify"].id))
    assert state["cursor"] == first.cursor.isoformat() and state["last_success_at"]
    again = sweep(rt, shops, since=None)    # from the cursor, less the overlap
    assert again.since == first.cursor - OVERLAP and again.new == [] and again.cursor == first.cursor
    changed = _numbered_order(1, minutes=30) | {"tags": "in-production"}
    shopify.state.add_order_node(order_node(changed))
    third = sweep(rt, shops, since=None)
    # the overlap reads the 00:02 order again (deduplicated); only the changed one is new
    assert (third.fetched, len(third.new), third.cursor) == (2, 1, datetime(2026, 6, 1, 0, 30, tzinfo=timezone.utc))
    assert "in-production" in order_of(rt, shops["shopify"].id, "7000001")["tags"]


def test_an_older_cursor_never_replaces_a_newer_one(rt, shops, shopify):
    shopify.state.add_order_node(order_node(_numbered_order(0, minutes=10)))
    newest = sweep(rt, shops).cursor
    sweep(rt, shops, since=datetime(2026, 6, 1, tzinfo=timezone.utc) - timedelta(days=1))
    with rt.sessions() as session:
        assert sweep_state(session.get(Shop, shops["shopify"].id))["cursor"] == newest.isoformat()


def test_a_deleted_shopify_subscription_is_recreated(rt, shops, shopify):
    sweep(rt, shops)                                     # the first sweep subscribes every topic
    created = {s["topic"]: s["id"] for s in shopify.state.subscriptions.values()}
    del shopify.state.subscriptions[created["ORDERS_UPDATED"]]
    report = sweep(rt, shops)
    now = {s["topic"]: s["id"] for s in shopify.state.subscriptions.values()}
    assert set(now) == set(created) and now["ORDERS_UPDATED"] != created["ORDERS_UPDATED"]
    with rt.sessions() as session:
        row = session.scalar(select(WebhookSubscription).where(WebhookSubscription.topic == "orders/updated"))
        assert (row.remote_id, row.status) == (now["ORDERS_UPDATED"], "active")
    assert {s["status"] for s in report.subscriptions} == {"active"}


def test_a_woocommerce_order_missed_by_its_webhook_is_swept_in(rt, shops, woo):
    woo.add_order(load_fixture("woocommerce", "order_updated__shipped"))
    report = sweep(rt, shops, "woocommerce")
    assert (report.error, report.fetched, report.statuses) == (None, 1, {"processed": 1})
    order = order_of(rt, shops["woocommerce"].id, "1201")
    assert order is not None and order["line_items"]
    assert sweep(rt, shops, "woocommerce", since=datetime(2026, 6, 1, tzinfo=timezone.utc)).fetched == 0


def _hooks(rt, shop_id):
    with rt.sessions() as session:
        return {r.topic: (r.remote_id, r.status, r.checked_at) for r in
                session.scalars(select(WebhookSubscription).where(WebhookSubscription.shop_id == shop_id))}


def test_a_disabled_woocommerce_webhook_is_enabled_again_and_its_row_updated(rt, shops, woo):
    sweep(rt, shops, "woocommerce")                      # no webhooks yet: they are created
    before = _hooks(rt, shops["woocommerce"].id)
    remote_id = int(before["order.updated"][0])
    woo.auth.webhooks[remote_id]["status"] = "disabled"   # WooCommerce gave up after failed deliveries
    report = sweep(rt, shops, "woocommerce")
    assert woo.auth.webhooks[remote_id]["status"] == "active"
    after = _hooks(rt, shops["woocommerce"].id)
    assert after["order.updated"][:2] == (str(remote_id), "active") and after["order.updated"][2] > before["order.updated"][2]
    assert {s["status"] for s in report.subscriptions} == {"active"}


def test_a_deleted_woocommerce_webhook_is_recreated_with_a_fresh_secret(rt, shops, woo):
    sweep(rt, shops, "woocommerce")
    remote_id = int(_hooks(rt, shops["woocommerce"].id)["order.created"][0])
    del woo.auth.webhooks[remote_id]
    sweep(rt, shops, "woocommerce")
    new_id = _hooks(rt, shops["woocommerce"].id)["order.created"][0]
    assert new_id != str(remote_id) and woo.auth.webhooks[int(new_id)]["status"] == "active"


def test_a_webhook_that_cannot_be_repaired_is_recorded_for_the_merchant(rt, shops, woo):
    sweep(rt, shops, "woocommerce")
    remote_id = int(_hooks(rt, shops["woocommerce"].id)["order.updated"][0])
    woo.auth.webhooks[remote_id]["status"] = "disabled"
    woo.auth.permissions = "read"                        # the key cannot write: PUT answers 401
    report = sweep(rt, shops, "woocommerce")
    assert report.error is None and woo.auth.webhooks[remote_id]["status"] == "disabled"
    assert _hooks(rt, shops["woocommerce"].id)["order.updated"][1] == "disabled"
    with rt.sessions() as session:
        problem = sweep_state(session.get(Shop, shops["woocommerce"].id))["subscription_problem"]
    assert "order.updated" in problem and "401" in problem


def test_only_active_shops_with_credentials_are_swept(rt, shops, woo):
    with rt.sessions() as session:
        assert sweepable_shops(session) == [shops["woocommerce"].id]


def test_the_periodic_task_queues_one_sweep_per_sweepable_shop(rt, shops, woo, shopify, monkeypatch):
    from integration.jobs import queue as jobs
    queued = []
    monkeypatch.setattr(jobs, "runtime", lambda: rt)
    monkeypatch.setattr(jobs, "reconcile_shop_task", queued.append)
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["woocommerce"].id).status = "uninstalled"
    jobs.reconcile_shops.call_local()
    assert queued == [shops["shopify"].id]


def test_the_sweep_interval_is_a_setting_with_a_clear_error():
    from integration.settings import load_settings
    assert load_settings({}).reconcile_minutes == 5
    assert load_settings({"RETURNKIT_RECONCILE_MINUTES": "15"}).reconcile_minutes == 15
    with pytest.raises(ValueError, match="RETURNKIT_RECONCILE_MINUTES.*1 to 60"):
        load_settings({"RETURNKIT_RECONCILE_MINUTES": "0"})
