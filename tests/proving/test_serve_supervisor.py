"""`returnkit serve` supervises (issue 16, item 10): the worker killed comes back, with a log line saying so, while
the web keeps answering, and a delivery posted afterwards is processed; the web killed comes back too. And every
file the service creates in its data directory is private to its owner (item 9).

    .venv/bin/python -m pytest tests/proving/test_serve_supervisor.py --tier proving -q -s
prints the figures (docs/reliability.md, "Hardening (issue 16)")."""
from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

from pathlib import Path

from tests.proving.hardening_live import ROOT, children, free_port, healthy, wait_until

pytestmark = pytest.mark.proving   # processes killed: `make proving`

STARTED = re.compile(r"(web|worker) pid (\d+)")


class Serve:
    """`returnkit serve` in a process of its own, its output collected line by line."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.env = {**os.environ, "PORT": str(self.port), "RETURNKIT_DATA_DIR": str(tmp_path / "data"),
                    "WEB_CONCURRENCY": "2"}
        for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(name, None)
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "integration.cli", "serve"], env=self.env, cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def events(self, key: str) -> list[str]:
        """The messages of the supervisor's JSON log lines with this event key, in order."""
        found = []
        for line in list(self.lines):
            if line.startswith("{") and f'"{key}"' in line:
                record = json.loads(line)
                found += [record["message"]] if record["event"] == key else []
        return found

    def pids(self, name: str) -> list[int]:
        """Every pid the supervisor said it started `name` as, in order."""
        return [int(m.group(2)) for message in self.events("serve.started")
                if (m := STARTED.fullmatch(message)) and m.group(1) == name]

    def child(self, name: str) -> int | None:
        """The pid of serve's running `name` process, read from /proc (whatever the log says)."""
        for pid in children(self.process.pid):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
            except FileNotFoundError:
                continue
            is_web = any("gunicorn" in arg for arg in argv)
            if (name == "web") == is_web and (is_web or argv[-2:] == ["worker", ""]):
                return pid
        return None

    def cli(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "integration.cli", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60)

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:   # the whole group: serve, gunicorn and its workers, the worker
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.reader.join(timeout=10)
        self.process.stdout.close()
        return "".join(self.lines)


class Prober(threading.Thread):
    """GET /healthz every 50 ms until stopped: how many answered, and how many did not."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.ok, self.failed, self.done = url, 0, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if healthy(self.url):
                self.ok += 1
            else:
                self.failed += 1
            time.sleep(0.05)


@pytest.fixture()
def serve(tmp_path):
    service = Serve(tmp_path)
    try:
        wait_until(lambda: healthy(service.url) and service.child("worker"), 90, "returnkit serve to start")
        yield service
    finally:
        output = service.stop()   # stopped even when it never became ready: no process outlives the test
    assert "Traceback" not in output, output[-4000:]


def _processed(serve: Serve) -> bool:
    shown = serve.cli("orders", "show", "--shop", "kaolate-demo.myshopify.com", "5550001", "--json")
    return shown.returncode == 0 and json.loads(shown.stdout)["line_items"]


def test_a_killed_worker_comes_back_while_the_web_keeps_answering(serve):
    worker = serve.child("worker")
    prober = Prober(serve.url)
    prober.start()
    killed = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    new = wait_until(lambda: serve.child("worker") not in (None, worker) and serve.child("worker"), 30,
                     "the worker to be started again")
    back_after = time.monotonic() - killed
    time.sleep(1)
    prober.done.set()
    prober.join()
    assert prober.failed == 0 and prober.ok > 10, (prober.ok, prober.failed)
    assert serve.pids("worker") == [worker, new]
    assert any(m.startswith(f"worker (pid {worker}) exited") and "starting it again" in m
               for m in serve.events("serve.exited"))
    for fixture in ("products_create__hoodie", "orders_create"):
        assert "accepted" in serve.cli("demo", "post", fixture).stdout
    wait_until(lambda: _processed(serve), 30, "the restarted worker to process the deliveries")
    figures = {"restarted_after_s": round(back_after, 2), "healthz_ok": prober.ok, "healthz_failed": prober.failed}
    print(f"\nFIGURE item10 worker: {json.dumps(figures)}")


def test_a_killed_web_server_comes_back(serve):
    web, worker = serve.child("web"), serve.child("worker")
    killed = time.monotonic()
    os.kill(web, signal.SIGKILL)
    wait_until(lambda: serve.child("web") not in (None, web), 30, "the web server to be started again")
    wait_until(lambda: healthy(serve.url), 60, "the new web server to answer")
    answering_after = time.monotonic() - killed
    assert serve.child("worker") == worker and len(serve.pids("web")) == 2   # the worker was left alone
    assert "accepted" in serve.cli("demo", "post", "orders_create").stdout
    print(f"\nFIGURE item10 web: {json.dumps({'answering_again_after_s': round(answering_after, 2)})}")


def test_every_file_serve_creates_in_its_data_directory_is_private(serve):
    assert "accepted" in serve.cli("demo", "post", "orders_create").stdout
    data = serve.env["RETURNKIT_DATA_DIR"]
    paths = [os.path.join(root, name) for root, _dirs, files in os.walk(data) for name in files]
    modes = {os.path.relpath(path, data): oct(stat.S_IMODE(os.stat(path).st_mode)) for path in paths}
    assert {"returnkit.sqlite3", "returnkit.sqlite3-wal", "queue.sqlite3"} <= set(modes), modes
    assert {name: mode for name, mode in modes.items() if mode != "0o600"} == {}, modes
    print(f"\nFIGURE item9 serve: {json.dumps(modes)}")
