"""A live returnkit as the Procfile runs it (gunicorn with integration/gunicorn_conf.py, JSON logs, an access log,
and a `returnkit worker`) on a fresh SQLite data directory, a Shopify and a WooCommerce shop, and the Shopify
emulator holding the Shopify shop's token: what the issue-16 security tests attack from outside over HTTP."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from integration.db.base import session_signing_key
from integration.db.engine import transaction
from integration.db.migrate import upgrade
from integration.policy.loader import resolve_policy_path
from integration.runtime import Runtime, build_runtime
from integration.settings import load_settings
from integration.shops.core import add_shop
from integration.web.auth import login_token
from tests.conftest import TEST_KEY
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.processes import free_port, wait_until  # noqa: F401  (the proving tests import them from here)
from tests.webhook_helpers import SECRET, SHOPIFY_DOMAIN, WOO_URL

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "shpat_hardening_live"
APP_KEY, APP_SECRET = "rk-test-client-id", "shpss_" + "5e" * 16


def healthy(url: str) -> bool:
    """True when GET /healthz answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The process's child pids (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def rss_kib(pid: int) -> int:
    """The process's resident memory, KiB."""
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1])


@dataclass
class Live:
    """The running service: its URL, this process's runtime on its database, its shops, log and processes."""
    url: str
    rt: Runtime
    data_dir: Path
    log_path: Path
    emulator: ShopifyEmulator
    served: Served
    shop_ids: dict[str, int]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def login_path(self, platform: str) -> str:
        """A fresh sign-in link for one of the shops (path only)."""
        return f"/app/login/{login_token(session_signing_key(), self.shop_ids[platform])}"

    def web_worker_pid(self) -> int:
        """The pid of gunicorn's one worker process."""
        return wait_until(lambda: children(self.processes["web"].pid)[:1], 30, "gunicorn's worker")[0]

    def log(self) -> str:
        """Everything web and worker wrote so far."""
        return self.log_path.read_text()

    def stop(self) -> None:
        """Stop web, worker and the emulator."""
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.served.stop()
        self.rt.engine.dispose()


def _environment(data_dir: Path, port: int, emulator_url: str) -> dict:
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(data_dir), "RETURNKIT_SECRET_KEY": TEST_KEY,
           "PORT": str(port), "RETURNKIT_PUBLIC_URL": f"http://127.0.0.1:{port}", "RETURNKIT_HTTP_TIMEOUT": "5",
           "RETURNKIT_SHOPIFY_API_KEY": APP_KEY, "RETURNKIT_SHOPIFY_API_SECRET": APP_SECRET,
           "RETURNKIT_SHOPIFY_ADMIN_URL": emulator_url, "WEB_CONCURRENCY": "1"}
    for name in ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    return env


def _install(rt: Runtime, emulator_url: str) -> dict[str, int]:
    policy = resolve_policy_path("kaolate").read_text()
    with transaction(rt.sessions) as session:
        shopify = add_shop(session, platform="shopify", domain=SHOPIFY_DOMAIN, webhook_secret=SECRET,
                           policy_text=policy, api_token=TOKEN, api_base_url=emulator_url)
        woo = add_shop(session, platform="woocommerce", domain=WOO_URL, webhook_secret=SECRET, policy_text=policy)
        session.flush()
        return {"shopify": shopify.id, "woocommerce": woo.id}


def start_live(data_dir: Path) -> Live:
    """Migrate a fresh database, install the shops, then run gunicorn (one worker, the Procfile's config) and a
    worker."""
    emulator = ShopifyEmulator(token=TOKEN)
    served = Served(emulator.app)
    port = free_port()
    env = _environment(data_dir, port, served.url)
    settings = load_settings(env)
    upgrade(settings.database_url)
    rt = build_runtime(settings)
    live = Live(f"http://127.0.0.1:{port}", rt, data_dir, data_dir / "service.log", emulator, served,
                _install(rt, served.url))
    with live.log_path.open("w") as log:
        live.processes["web"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "integration/gunicorn_conf.py", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--access-logfile", "-", "integration.app:create_app()"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        worker = [sys.executable, "-m", "integration.cli", "worker", "--workers", "2"]
        live.processes["worker"] = subprocess.Popen(worker, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: healthy(live.url) or any(p.poll() is not None for p in live.processes.values()), 60,
                   f"the live service (see {live.log_path})")
        assert healthy(live.url), live.log()[-3000:]
    except AssertionError:
        live.stop()
        raise
    return live
