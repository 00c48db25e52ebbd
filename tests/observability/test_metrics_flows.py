"""The counters real flows move (decisions, actions, platform calls), throttling, and the multiprocess mode."""
import os
from collections import Counter
import subprocess
import sys

import pytest

from adapters.http import PlatformError, platform_call
from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.request_models import Action
from tests.e2e.test_shopify_actions import api_request, drain, shopify  # noqa: F401  (the fixture)
from tests.observability.test_health_and_metrics import samples
from tests.orders.test_picture import STORY, replay

DEFECTIVE = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
             "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2}}


def value(values, name, **labels) -> float:
    return values.get((name, tuple(sorted(labels.items()))), 0.0)


def gained(before, after, name, **labels) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_a_decided_request_counts_its_decision_actions_and_platform_calls(client, rt, queue, shops, shopify):  # noqa: F811
    replay(client, rt, queue, "shopify", STORY)
    before, first_call = samples(client), len(shopify.calls)
    response, _key = api_request(client, rt, shops, DEFECTIVE)
    assert response.json["decision"]["outcome"] == "approved"
    with rt.sessions() as session:
        planned = [a.kind for a in session.scalars(select(Action))]
    assert planned == ["create_return", "tag_order", "order_note"]   # the return opened on Shopify, a label asked for
    assert value(samples(client), "returnkit_queue_depth", queue="actions") == len(planned)
    states = drain(rt)
    after = samples(client)
    assert gained(before, after, "returnkit_decisions_total", outcome="approved") == 1
    assert sum(gained(before, after, "returnkit_actions_total", kind=kind, state="succeeded")
               for kind in planned) == states.count("succeeded") == len(planned)
    timed = {dict(labels)["operation"]: gained(before, after, name, **dict(labels)) for (name, labels) in after
             if name == "returnkit_platform_call_seconds_count" and dict(labels)["platform"] == "shopify"}
    made = Counter(operation for operation, _ in shopify.calls[first_call:])
    assert made and {op: n for op, n in timed.items() if n} == dict(made)
    assert value(after, "returnkit_queue_depth", queue="actions") == 0


@pytest.mark.parametrize("error, counted", [(PlatformError("x", 200, retryable=True, throttled=True), 1),
                                            (PlatformError("x", 429, retryable=True), 1),
                                            (PlatformError("x", 500, retryable=True), 0)])
def test_a_rate_limit_counts_as_throttled_and_every_call_is_timed(client, error, counted):
    before = samples(client)
    with pytest.raises(PlatformError), platform_call("woocommerce", "get orders/:id"):
        raise error
    after = samples(client)
    assert gained(before, after, "returnkit_platform_throttled_total", platform="woocommerce") == counted
    assert gained(before, after, "returnkit_platform_call_seconds_count", platform="woocommerce",
                  operation="get orders/:id") == 1


COUNT_ONE = ("from integration.observability.metrics import count_delivery;"
             "count_delivery('shopify', 'orders/create', 'received')")
SCRAPE = ("import sys; from integration.observability.metrics import exposition;"
          "from integration.runtime import runtime; sys.stdout.write(exposition(runtime().sessions).decode())")


def test_the_processes_counts_add_up_in_multiprocess_mode(tmp_path, rt):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "DATABASE_URL": rt.settings.database_url,
           "RETURNKIT_SECRET_KEY": rt.settings.secret_keys[0], "RETURNKIT_DATA_DIR": str(tmp_path)}
    (tmp_path / "metrics").mkdir()
    for _ in range(2):   # two processes, as two gunicorn workers
        subprocess.run([sys.executable, "-c", COUNT_ONE], env=env, check=True)
    scraped = subprocess.run([sys.executable, "-c", SCRAPE], env=env, check=True, capture_output=True, text=True).stdout
    assert 'returnkit_webhook_deliveries_total{platform="shopify",status="received",topic="orders/create"} 2.0' in scraped
    assert 'returnkit_queue_depth{queue="deliveries"} 0.0' in scraped


def test_a_decision_counts_only_once_its_transaction_commits(rt):
    from prometheus_client import REGISTRY
    from integration.observability.metrics import count_decision

    def counted():
        return REGISTRY.get_sample_value("returnkit_decisions_total", {"outcome": "review"}) or 0.0
    start = counted()
    with pytest.raises(RuntimeError), transaction(rt.sessions) as session:
        count_decision(session, "review")
        raise RuntimeError("a concurrent worker took the request first")
    assert counted() == start
    with transaction(rt.sessions) as session:
        count_decision(session, "review")
    assert counted() == start + 1


def test_a_worker_can_serve_its_own_metrics():
    from urllib.request import urlopen
    from integration.observability.metrics import count_action, serve_process_metrics
    count_action("order_note", "succeeded")
    server = serve_process_metrics(0, "127.0.0.1")
    try:
        with urlopen(f"http://127.0.0.1:{server.server_port}/metrics", timeout=5) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert 'returnkit_actions_total{kind="order_note",state="succeeded"}' in text
