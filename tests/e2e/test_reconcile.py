"""Reconciliation end to end: webhooks dropped on the way are recovered by one sweep, exactly as the
webhooks would have built them; two sweeps at once count each change once; the CLI runs a sweep now.

The drop test's size: RETURNKIT_RECONCILE_ORDERS (default 200) orders, RETURNKIT_RECONCILE_DROP (default
0.05) of their webhooks never posted."""
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.policy.loader import resolve_policy_path
from integration.inbox.sweep import sweep_state
from integration.shops.core import add_shop
from tests.emulators.shopify_orders_state import order_node
from tests.orders.test_picture import replay
from tests.inbox.test_sweep import TWIN, _numbered_order, order_of, shopify, sweep  # noqa: F401
from tests.webhook_helpers import SECRET, post

ORDERS = int(os.environ.get("RETURNKIT_RECONCILE_ORDERS", "200"))
ROOT = Path(__file__).resolve().parents[2]
DROP = float(os.environ.get("RETURNKIT_RECONCILE_DROP", "0.05"))


def _store(shopify, count: int) -> list[dict]:
    orders = [_numbered_order(n, minutes=n) for n in range(count)]
    for rest in orders:
        shopify.state.add_order_node(order_node(rest))
    return orders


def _count(rt, model, **where) -> int:
    with rt.sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


def test_one_sweep_recovers_every_dropped_webhook_as_the_webhook_would_have(client, rt, queue, shops, shopify):
    with transaction(rt.sessions) as session:
        twin = add_shop(session, platform="shopify", domain=TWIN, webhook_secret=SECRET,
                        policy_text=resolve_policy_path("kaolate").read_text())
    orders = _store(shopify, ORDERS)
    dropped = set(random.Random(6).sample(range(ORDERS), round(ORDERS * DROP)))
    for n, rest in enumerate(orders):
        assert post(client, "shopify", "orders/create", rest, X_Shopify_Shop_Domain=TWIN).status_code == 200
        if n not in dropped:   # the network lost the rest of them
            assert post(client, "shopify", "orders/create", rest).status_code == 200
    replay(client, rt, queue, "shopify", [])
    shop_id = shops["shopify"].id
    assert _count(rt, Order, shop_id=shop_id) == ORDERS - len(dropped)

    started = time.monotonic()
    report = sweep(rt, shops)
    took = time.monotonic() - started

    assert (report.error, report.fetched, len(report.new)) == (None, ORDERS, len(dropped))
    assert _count(rt, Order, shop_id=shop_id) == ORDERS
    assert _count(rt, WebhookDelivery, shop_id=shop_id, status="processed") == ORDERS
    for n in sorted(dropped):
        order_id = str(orders[n]["id"])
        assert order_of(rt, shop_id, order_id) == order_of(rt, twin.id, order_id)
    print(f"\nreconcile: {ORDERS} orders, {len(dropped)} webhooks dropped, one sweep of {report.fetched} orders "
          f"recovered {len(report.new)} in {took:.2f} s; missing after the sweep: "
          f"{ORDERS - _count(rt, Order, shop_id=shop_id)}")


def test_two_sweeps_at_once_process_each_change_once(rt, shops, shopify):
    _store(shopify, 40)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(sweep(rt, shops))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(reports) == 2 and sum(len(r.new) for r in reports) == 40
    assert sum(r.statuses.get("processed", 0) for r in reports) == 40
    assert _count(rt, Order, shop_id=shops["shopify"].id) == 40
    assert all(s["status"] == "active" for r in reports for s in r.subscriptions)
    with rt.sessions() as session:   # the sweep that lost the race to create them reports no problem
        assert sweep_state(session.get(Shop, shops["shopify"].id))["subscription_problem"] is None
    assert len(shopify.state.subscriptions) == len({s["topic"] for s in shopify.state.subscriptions.values()})


def test_the_cli_sweeps_one_shop_now_and_prints_what_it_found(rt, shops, shopify):
    _store(shopify, 3)
    env = {**os.environ, "DATABASE_URL": rt.settings.database_url, "RETURNKIT_SECRET_KEY": ",".join(rt.settings.secret_keys),
           "RETURNKIT_DATA_DIR": str(rt.settings.data_dir)}
    args = [sys.executable, "-m", "integration.cli", "shops", "reconcile", shops["shopify"].domain]
    done = subprocess.run(args + ["--since", "2026-05-01T00:00:00Z"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert (found["fetched"], found["new_deliveries"], found["error"]) == (3, 3, None)
    assert _count(rt, Order, shop_id=shops["shopify"].id) == 3
    bad = subprocess.run(args + ["--since", "yesterday"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--since" in bad.stderr and "Traceback" not in bad.stderr
