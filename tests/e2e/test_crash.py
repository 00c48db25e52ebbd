"""The crash test: refunds for 2,000 requests while the worker is SIGKILLed every few seconds and 10 % of
platform answers are lost after the effect was made. Nothing may be lost; each intent refunds once."""
import os
import signal
import time
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.order_models import Order, OrderLine
from integration.db.request_models import Action
from integration.policy.loader import resolve_policy_path
from integration.runtime import build_runtime
from integration.requests.decide import submit_request
from integration.shops.core import add_shop
from integration.settings import load_settings
from tests.e2e.crash_world import LossyShopify, LossyWoo, rng
from tests.e2e.crash_world import action_states as _states
from tests.e2e.crash_world import reap as _reap
from tests.e2e.crash_world import run_python as _python
from tests.e2e.crash_world import start_worker as _worker
from tests.emulators.server import Served

pytestmark = pytest.mark.proving   # process kills / long runs: `make proving`

PER_PLATFORM = int(os.environ.get("RETURNKIT_CRASH_REQUESTS", "2000")) // 2
KILL_POINTS = 6   # the worker is killed once per sixth of the work done
CLAIM = {"type": "return", "submitted_at": "2026-05-05T10:00:00-05:00", "reason": "damaged_in_transit",
         "items": [{"line_item_id": "1", "quantity": 1}], "evidence": {"photos": 2, "description": True},
         "preferred_resolution": "refund"}


def woo_order(order_id: int) -> dict:
    """A paid WooCommerce order as its REST API shows it: one 20.00 line (id 1) and 5.00 shipping, no tax."""
    return {"id": order_id, "total": "25.00", "currency": "USD", "payment_method": "stripe", "status": "processing",
            "line_items": [{"id": 1, "quantity": 1, "subtotal": "20.00", "total": "20.00", "total_tax": "0.00",
                            "taxes": []}],
            "shipping_lines": [{"id": 2, "total": "5.00", "total_tax": "0.00", "taxes": []}],
            "shipping_total": "5.00", "total_tax": "0.00", "refunds": []}


def _orders(session, shop, count, first_id, submit=True):
    """`count` orders from first_id on, each with a return request submitted (unless submit is False)."""
    for n in range(count):
        order = Order(shop_id=shop.id, order_id=str(first_id + n), number=str(first_id + n), currency="USD",
                      placed_at=utcnow(), platform_updated_at=utcnow(), tags=[], shipping_paid=Decimal("5.00"),
                      delivered_at=utcnow().replace(year=2026, month=5, day=2))
        order.lines = [OrderLine(line_id="1", title="Part", quantity=1, unit_price=Decimal("20.00"))]
        session.add(order)
        session.flush()
        if submit:
            submit_request(session, shop, order, CLAIM, "api", f"crash-{first_id + n}")


def crash_shops(session, servers):
    """The Shopify and the WooCommerce shop, on the two emulators' servers."""
    kinectr = resolve_policy_path("kinectr").read_text()
    return (add_shop(session, platform="shopify", domain="crash.myshopify.com", webhook_secret="x", policy_text=kinectr,
                     api_token="shpat_crash", api_base_url=servers[0].url),
            add_shop(session, platform="woocommerce", domain="https://crash.example.com", webhook_secret="x",
                     policy_text=kinectr, consumer_key="ck_test", consumer_secret="cs_test", api_base_url=servers[1].url))


@pytest.fixture()
def world(tmp_path):
    # The lease outlasts a platform call (10 s timeout): a slow call is never taken back while it runs, and
    # only a killed worker's actions wait for their lease to lapse.
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(tmp_path), "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode(),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}", "RETURNKIT_ACTION_LEASE_SECONDS": "12",
           "RETURNKIT_ACTION_BACKOFF_SECONDS": "1"}
    env.pop("REDIS_URL", None)
    rt = build_runtime(load_settings(env))
    upgrade(rt.settings.database_url)
    # A bucket large enough that throttling (tested on its own) does not set the pace here.
    shopify, woo = LossyShopify(token="shpat_crash", bucket=10**7, restore_rate=10**6), LossyWoo()
    servers = [Served(shopify.app), Served(woo.app)]
    with transaction(rt.sessions) as session:
        s1, s2 = crash_shops(session, servers)
        _orders(session, s1, PER_PLATFORM, 10_000)
        _orders(session, s2, PER_PLATFORM, 50_000)
    for n in range(PER_PLATFORM):
        shopify.state.add_order(10_000 + n, [("1", 1, "20.00")], shipping="5.00")
        woo.add_order(woo_order(50_000 + n))
    yield rt, env, shopify, woo
    for server in servers:
        server.stop()
    rt.engine.dispose()


def test_killing_the_worker_loses_nothing_and_refunds_each_intent_once(world):
    rt, env, shopify, woo = world
    with rt.sessions() as session:
        ids = session.scalars(select(Action.id)).all()
    assert len(ids) == 4 * PER_PLATFORM  # a refund and a note per request
    _python(env, f"from integration.jobs.queue import enqueue_action\nfor i in {list(ids)}: enqueue_action(i)")
    # Phase 1: kill the worker each time it has done another sixth of the work, at a random point of its next
    # action, so the number of kills follows progress, not the machine's speed (at most 10 minutes).
    deadline, kills, step = time.monotonic() + 600, 0, max(len(ids) // KILL_POINTS, 1)
    while time.monotonic() < deadline and (done := _states(rt).get("succeeded", 0)) < len(ids) - step:
        worker = _worker(env)
        while time.monotonic() < deadline and _states(rt).get("succeeded", 0) < done + step:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.2))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
        _reap(env)
    # Phase 2: let a worker finish what is still waiting out its backoff (how long depends on the machine).
    worker, deadline = _worker(env), time.monotonic() + 600
    while time.monotonic() < deadline and _states(rt).get("succeeded", 0) < len(ids):
        time.sleep(5)
        _reap(env)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    states = _states(rt)
    assert states == {"succeeded": len(ids)}, states
    assert kills >= 2, kills
    assert_one_refund_per_intent(shopify, woo, PER_PLATFORM)


def assert_one_refund_per_intent(shopify, woo, per_platform: int) -> None:
    """Each order refunded exactly once, for its amount, on both emulators: counted by the order the platform
    refunded, not by the key our code sends (a retry under a new key would be a second refund)."""
    refunds_by_order: dict[str, int] = {}
    for refund in shopify.state.refunds:
        refunds_by_order[refund["order"]] = refunds_by_order.get(refund["order"], 0) + 1
    assert len(refunds_by_order) == per_platform and set(refunds_by_order.values()) == {1}
    assert all(shopify.refunded(10_000 + n) == Decimal("20.00") for n in range(per_platform))
    assert sum(len(r) for r in woo.refunds.values()) == per_platform
    assert all(len(woo.refunds.get(str(50_000 + n), [])) == 1 for n in range(per_platform))
