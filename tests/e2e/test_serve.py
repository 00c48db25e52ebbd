"""`returnkit serve` on a fresh machine: 4 web workers and a worker on a new SQLite file, a signed sample lands."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

# `returnkit serve` with its gunicorn workers and consumer, as processes: the proving tier
pytestmark = pytest.mark.proving


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.fixture()
def service(tmp_path):
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "RETURNKIT_DATA_DIR": str(tmp_path / "data"), "WEB_CONCURRENCY": "4"}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "integration.cli", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"service did not start:\n{proc.stdout.read()}")
    yield port, env
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert "Traceback" not in output, output


def _cli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "integration.cli", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_serve_runs_web_and_worker_and_a_signed_sample_lands_in_the_demo_shop(service):
    port, env = service
    shops = json.loads(_cli(env, "shops", "list", "--json").stdout)
    # the demo shop runs in shadow mode: its flows end in "would have done", never a dead action
    assert [(s["domain"], s["demo"], s["mode"]) for s in shops] == [("kaolate-demo.myshopify.com", True, "shadow")]
    for fixture in ("products_create__hoodie", "orders_create"):
        posted = _cli(env, "demo", "post", fixture)
        assert posted.returncode == 0 and "accepted" in posted.stdout, posted.stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown = _cli(env, "orders", "show", "--shop", "kaolate-demo.myshopify.com", "5550001", "--json")
        if shown.returncode == 0:
            break
        time.sleep(0.5)
    order = json.loads(shown.stdout)
    assert order["line_items"][1]["tags"] == ["custom", "personalized"]


def test_serve_is_ready_and_its_metrics_add_up_every_web_worker(service):
    port, env = service
    assert _get(f"http://127.0.0.1:{port}/readyz") == (200, {"database": "ok", "queue": "ok"})
    posts = 6   # four web workers: the deliveries land on several of them
    for _ in range(posts):
        assert _cli(env, "demo", "post", "orders_create").returncode == 0
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    # Six deliveries (each its own webhook id) counted once each, however they were spread across the workers.
    line = 'returnkit_webhook_deliveries_total{{platform="shopify",status="{}",topic="orders/create"}}'
    assert f"{line.format('received')} {float(posts)}" in text and line.format("duplicate") not in text, text
    assert 'returnkit_queue_depth{queue="deliveries"}' in text
