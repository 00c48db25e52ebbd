"""GET /readyz, GET /metrics and the X-Request-Id header."""
import os
import re

import pytest
from huey import RedisHuey
from prometheus_client.parser import text_string_to_metric_families

from integration.db.engine import make_engine
from integration.jobs.queue import make_huey
from integration.observability.health import readiness
from integration.settings import load_settings
from tests.webhook_helpers import post

PRODUCT = {"id": 7001, "title": "Organic tee", "tags": "organic", "updated_at": "2026-05-01T10:00:00-06:00"}


def samples(client) -> dict:
    """{(name, labels as a sorted tuple): value} from the exposition."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def delivery_count(values, platform, topic, status) -> float:
    key = ("returnkit_webhook_deliveries_total", (("platform", platform), ("status", status), ("topic", topic)))
    return values.get(key, 0.0)


def test_readyz_answers_ok_when_the_database_and_the_queue_answer(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json) == (200, {"database": "ok", "queue": "ok"})


def test_readyz_is_503_and_names_what_failed_without_the_password(client, monkeypatch):
    down = make_engine("postgresql://returnkit:hunter2@127.0.0.1:1/returnkit")
    redis_down = RedisHuey("returnkit-test", url="redis://:hunter3@127.0.0.1:1/0")
    checks = readiness(down, redis_down)
    assert checks["database"].startswith("fail: OperationalError") and checks["queue"].startswith("fail: ")
    assert "hunter" not in repr(checks)
    monkeypatch.setattr(client.application.extensions["returnkit"].runtime, "engine", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["queue"] == "ok" and response.json["database"].startswith("fail: ")
    assert "hunter2" not in response.get_data(as_text=True)


def test_each_delivery_counts_once_under_its_platform_topic_and_status(client):
    before = samples(client)
    post(client, "shopify", "products/update", PRODUCT)
    body_headers = dict(X_Shopify_Webhook_Id="same-delivery")
    post(client, "shopify", "products/update", {**PRODUCT, "id": 7002}, **body_headers)
    post(client, "shopify", "products/update", {**PRODUCT, "id": 7002}, **body_headers)
    post(client, "shopify", "products/update", PRODUCT, secret="wrong")
    post(client, "shopify", "made/up", PRODUCT)
    after = samples(client)
    for status, count in (("received", 2), ("duplicate", 1), ("rejected_signature", 1)):
        gained = delivery_count(after, "shopify", "products/update", status) - delivery_count(before, "shopify", "products/update", status)
        assert gained == count, status
    assert delivery_count(after, "shopify", "other", "ignored") - delivery_count(before, "shopify", "other", "ignored") == 1
    assert not any(dict(labels).get("topic") == "made/up" for _, labels in after)


def test_queue_gauges_come_from_the_database(client, rt, shops):
    post(client, "shopify", "products/update", PRODUCT)
    values = samples(client)
    assert values[("returnkit_queue_depth", (("queue", "deliveries"),))] == 1
    assert values[("returnkit_queue_oldest_age_seconds", (("queue", "deliveries"),))] >= 0
    assert values[("returnkit_queue_depth", (("queue", "actions"),))] == 0


@pytest.mark.parametrize("given, kept", [("abc-123", True), ("x" * 65, False), ("bad id", False), ("a\"b", False)])
def test_a_request_id_is_kept_when_plain_or_made_up_and_always_returned(client, given, kept):
    response = client.get("/healthz", headers={"X-Request-Id": given})
    returned = response.headers["X-Request-Id"]
    assert (returned == given) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", returned)


def test_two_requests_without_an_id_get_different_ones(client):
    assert client.get("/healthz").headers["X-Request-Id"] != client.get("/healthz").headers["X-Request-Id"]


@pytest.mark.proving
@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_readyz_pings_a_live_redis(rt, tmp_path):
    huey = make_huey(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path), "REDIS_URL": os.environ["TEST_REDIS_URL"]}))
    assert readiness(rt.engine, huey) == {"database": "ok", "queue": "ok"}


def test_made_up_request_ids_are_32_hex_digits_and_a_forked_process_makes_other_ones():
    import os
    from integration.observability.web import _IDS
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: what its next ids are
        os.write(writer, " ".join(_IDS.new() for _ in range(3)).encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(pid, 0)
    child = os.read(reader, 4096).decode().split()
    os.close(reader)
    ours = [_IDS.new() for _ in range(3)]
    assert len(set(ours + child)) == 6 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ours + child)
