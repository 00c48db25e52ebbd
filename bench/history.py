"""A decision's case as the customer's history grows: `decision_case` (the stored order, its units and the customer's
counts of requests and refunds) for a buyer's first order, and for the same buyer once they have N earlier orders
at the shop, each with a request, a refund and a return made in the platform's admin.

Baseline, in the same run: the first order's case. Target: N = 500 costs at most 5x the baseline (the counts are
three queries whatever N is; loading each order made it 89x).
Usage: python -m bench.history [N]  (default 500; docs/benchmarks.md).
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from cryptography.fernet import Fernet

from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine, OrderRefund, ReturnRequest
from integration.db.request_models import ReturnCase
from integration.orders.as_case import decision_case
from integration.policy.loader import resolve_policy_path
from integration.runtime import build_runtime
from integration.settings import load_settings
from integration.shops.core import add_shop

NOW = datetime.now(timezone.utc)
REQUEST = {"type": "return", "reason": "changed_mind", "submitted_at": NOW.isoformat(),
           "items": [{"line_item_id": "1", "quantity": 1}]}


def _order(session, shop_id: int, name: str, placed: datetime) -> Order:
    order = Order(shop_id=shop_id, order_id=name, number=name, currency="USD", placed_at=placed,
                  platform_updated_at=placed, tags=[], customer_email_hash="loyal-buyer", shipping_paid=Decimal(0),
                  lines=[OrderLine(line_id="1", title="Tee", quantity=2, unit_price=Decimal("20.00"))])
    session.add(order)
    session.flush()
    return order


def _history(session, shop_id: int, earlier: int) -> None:
    """`earlier` orders by the buyer in the last year, each with a request, a refund and an admin return."""
    for n in range(earlier):
        placed = NOW - timedelta(days=1 + n % 300)
        order = _order(session, shop_id, f"E{n}", placed)
        session.add(ReturnCase(shop_id=shop_id, order_pk=order.id, source="api", source_ref=f"r{n}",
                               request={"type": "return"}, created_at=placed + timedelta(hours=1)))
        order.refunds.append(OrderRefund(refund_id=f"f{n}", amount=Decimal("20.00"), created_at=placed))
        order.returns.append(ReturnRequest(return_id=f"{7000 + n}", status="closed", platform_updated_at=placed))


def _time_case(rt, shop_id: int, order_pk: int, runs: int) -> float:
    """The median seconds of building the order's decision case, each in a fresh session."""
    times = []
    for _ in range(runs):
        with rt.sessions() as session:
            start = time.perf_counter()
            decision_case(session, session.get(Shop, shop_id), session.get(Order, order_pk), dict(REQUEST))
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(earlier: int = 500, runs: int = 30) -> dict:
    """The first order's case (baseline) and the same buyer's case after `earlier` orders, and their ratio."""
    with tempfile.TemporaryDirectory() as data:
        url = f"sqlite:///{data}/bench.sqlite3"
        upgrade(url)
        rt = build_runtime(load_settings({"DATABASE_URL": url, "RETURNKIT_DATA_DIR": data,
                                          "RETURNKIT_SECRET_KEY": Fernet.generate_key().decode()}))
        with transaction(rt.sessions) as session:
            shop = add_shop(session, platform="shopify", domain="history-bench.myshopify.com", webhook_secret="s",
                            policy_text=resolve_policy_path("kaolate").read_text())
            first = _order(session, shop.id, "FIRST", NOW - timedelta(days=3)).id
        baseline = _time_case(rt, shop.id, first, runs)
        with transaction(rt.sessions) as session:
            _history(session, shop.id, earlier)
            latest = _order(session, shop.id, "LATEST", NOW - timedelta(days=3)).id
        loyal = _time_case(rt, shop.id, latest, runs)
        with rt.sessions() as session:
            counts = decision_case(session, session.get(Shop, shop.id), session.get(Order, latest),
                                   dict(REQUEST))["order"]["customer"]
        rt.engine.dispose()
    return {"earlier_orders": earlier, "first_order_ms": round(baseline * 1000, 2),
            "loyal_customer_ms": round(loyal * 1000, 2), "ratio": round(loyal / baseline, 2), "counts": counts}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500), indent=2))
