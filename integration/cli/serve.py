"""`returnkit serve`, `returnkit worker` and the demo shop: the service on the embedded defaults."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import select

from integration.db.engine import transaction
from integration.db.key_check import KeyMismatch, check_stored_secrets
from integration.db.migrate import upgrade
from integration.cli.demo import DEMO_DOMAIN, DEMO_SECRET
from integration.cli.shop_commands import login_link
from integration.cli.supervise import Child, Supervisor
from integration.db.models import Shop
from integration.observability.multiproc import MULTIPROC_ENV, prepare
from integration.policy.loader import resolve_policy_path
from integration.runtime import runtime
from integration.shops.core import add_shop

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn_conf.py"
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
        # In shadow mode: it has no store to act on, so its flows end in "would have done", never a dead action.
        return add_shop(session, platform="shopify", domain=DEMO_DOMAIN, webhook_secret=DEMO_SECRET, is_demo=True,
                        policy_text=resolve_policy_path("kaolate").read_text(), mode="shadow")


def _banner(port: int, demo: Shop | None) -> str:
    lines = [f"returnkit: serving on http://127.0.0.1:{port} (web + worker; Ctrl-C stops)",
             f"returnkit: data in {runtime().settings.data_dir} (RETURNKIT_DATA_DIR: the embedded database, its key, "
             "the queue and evidence files)"]
    if demo:
        lines += [f"returnkit: DEMO shop {demo.domain} (policy kaolate, webhook secret {DEMO_SECRET!r})",
                  "returnkit: try `returnkit demo post orders_create`, then "
                  f"`returnkit orders show --shop {demo.domain} #1001`",
                  "returnkit: the settings page: open this sign-in link within 10 minutes "
                  f"(a new one: `returnkit shops login-link {demo.domain}`):", "", f"    {login_link(demo)}", ""]
    return "\n".join(lines)


def serve(host: str) -> int:
    """Migrate once, then run gunicorn and the Huey consumer side by side until interrupted, restarting either."""
    os.umask(PRIVATE_UMASK)
    settings = runtime().settings
    upgrade(settings.database_url)  # before any worker starts, so many workers never race on the schema
    try:
        check_stored_secrets(runtime())
    except KeyMismatch as exc:
        print(str(exc), file=sys.stderr)
        return 2
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
