"""`returnkit serve`, `returnkit worker` and the demo shop: the service on the embedded defaults."""
from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import select

from adapters.shopify import verify as shopify_verify
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.cli.shop_commands import login_link
from integration.cli.supervise import Child, Supervisor
from integration.db.models import Shop
from integration.observability.multiproc import MULTIPROC_ENV, prepare
from integration.policy.loader import resolve_policy_path
from integration.runtime import runtime
from integration.shops.core import add_shop

DEMO_DOMAIN = "kaolate-demo.myshopify.com"   # the shop the Shopify sample fixtures belong to
DEMO_SECRET = "demo-webhook-secret"           # a demo only: real shops get their own secret
GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn_conf.py"
FIXTURES = Path(__file__).resolve().parents[2] / "adapters" / "shopify" / "fixtures"
# Files this process and its children create (the embedded database and its WAL, the queue, evidence, metrics)
# are readable by their owner only, as the secret key beside them is.
PRIVATE_UMASK = 0o077


def ensure_demo_shop() -> Shop | None:
    """On the embedded defaults, install a demo shop (marked as such) when no shop exists yet."""
    rt = runtime()
    if not rt.settings.embedded:
        return None
    with transaction(rt.sessions) as session:
        if session.scalar(select(Shop.id).limit(1)) is not None:
            return session.scalar(select(Shop).where(Shop.is_demo.is_(True)))
        return add_shop(session, platform="shopify", domain=DEMO_DOMAIN, webhook_secret=DEMO_SECRET, is_demo=True,
                        policy_text=resolve_policy_path("kaolate").read_text())


def _banner(port: int, demo: Shop | None) -> str:
    lines = [f"returnkit: serving on http://127.0.0.1:{port} (web + worker; Ctrl-C stops)",
             f"returnkit: data in {runtime().settings.data_dir}"]
    if demo:
        lines += [f"returnkit: DEMO shop {demo.domain} (policy kaolate, webhook secret {DEMO_SECRET!r})",
                  "returnkit: try `returnkit demo post orders_create`, then "
                  f"`returnkit orders show --shop {demo.domain} 5550001`",
                  f"returnkit: settings page (sign-in link, 10 minutes): {login_link(demo)}"]
    return "\n".join(lines)


def serve(host: str) -> int:
    """Migrate once, then run gunicorn and the Huey consumer side by side until interrupted, restarting either."""
    os.umask(PRIVATE_UMASK)
    settings = runtime().settings
    upgrade(settings.database_url)  # before any worker starts, so many workers never race on the schema
    demo = ensure_demo_shop()
    print(_banner(settings.port, demo), file=sys.stderr, flush=True)
    # Web and worker processes share one metrics directory, so /metrics shows the worker's counters too.
    metrics_dir = os.environ.setdefault(MULTIPROC_ENV, str(settings.data_dir / "metrics"))
    prepare(metrics_dir)
    web = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind", f"{host}:{settings.port}",
           "--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--access-logfile", "-", "integration.app:create_app()"]
    worker = [sys.executable, "-m", "integration.cli", "worker"]
    return Supervisor([Child("web", web), Child("worker", worker)]).run()


def run_worker(workers: int) -> int:
    """Run the Huey consumer (deliveries, periodic re-queueing) in this process."""
    os.umask(PRIVATE_UMASK)
    from integration.jobs.queue import huey
    if os.environ.get("RETURNKIT_WORKER_METRICS_PORT"):   # a worker on its own machine: nobody else shows its metrics
        from integration.observability.metrics import serve_process_metrics
        serve_process_metrics(int(os.environ["RETURNKIT_WORKER_METRICS_PORT"]))
    if runtime().settings.embedded:   # the web processes only store deliveries: this worker queues them
        from integration.jobs.feeder import InboxFeeder
        from integration.jobs.queue import enqueue_deliveries
        InboxFeeder(runtime().engine, enqueue_deliveries).start()
    # An idle SqliteHuey consumer polls with backoff; Huey's default ceiling (10 s) would become the
    # latency of the first webhook after a quiet spell. RedisHuey blocks on the list and is not affected.
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True, max_delay=0.5).run()
    return 0


def demo_post(fixture: str, port: int) -> int:
    """Sign a Shopify sample fixture with the demo secret and POST it to the local service."""
    body = (FIXTURES / f"{fixture}.json").read_bytes()
    base = fixture.split("__")[0]
    topic = base.replace("_", "/", 1) if not base.startswith("fulfillment_events") else "fulfillment_events/create"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/shopify", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": DEMO_DOMAIN,
        "X-Shopify-Hmac-Sha256": shopify_verify.sign(body, DEMO_SECRET), "X-Shopify-Webhook-Id": f"demo-{time.time_ns()}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        print(response.status, json.loads(response.read()))
    return 0
