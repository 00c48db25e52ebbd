"""`returnkit serve`'s supervisor: web and worker side by side, each started again when it exits, with a backoff."""
from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FIRST_BACKOFF = 1.0       # seconds before the first restart of a process that exited
MAX_BACKOFF = 30.0        # doubled at each quick exit, up to this
STEADY_SECONDS = 60.0     # a process that ran this long starts over from FIRST_BACKOFF
STOP_SECONDS = 30.0       # how long a stopped process may take to exit before it is killed
POLL_SECONDS = 0.5


@dataclass
class Child:
    """One supervised process: its name in the log, its command, and its restart state."""
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF
    restart_at: float | None = field(default=None)


class Supervisor:
    """Runs its children until SIGTERM or SIGINT; a child that exits is started again after its backoff, and
    the others keep running meanwhile (a dead worker never takes the web server down with it)."""

    def __init__(self, children: list[Child], spawn: Callable = subprocess.Popen, clock=time.monotonic,
                 sleep=time.sleep):
        self.children, self.spawn, self.clock, self.sleep = children, spawn, clock, sleep
        self.stopping = False

    def run(self) -> int:
        """Start every child and keep them running until told to stop; 0 once they have all stopped."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for child in self.children:
            self._start(child, self.clock())
        while not self.stopping:
            self.tick()
            self.sleep(POLL_SECONDS)
        self._stop_all()
        return 0

    def stop(self, *_signal) -> None:
        """Ask the loop to stop (a signal handler)."""
        self.stopping = True

    def tick(self) -> None:
        """Notice children that exited, and start those whose backoff is over."""
        now = self.clock()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child, now)
            elif child.process.poll() is not None:
                self._schedule(child, now)

    def _schedule(self, child: Child, now: float) -> None:
        if now - child.started_at >= STEADY_SECONDS:
            child.backoff = FIRST_BACKOFF
        child.restart_at = now + child.backoff
        log.warning("serve.exited: %s (pid %s) exited with status %s; starting it again in %g s", child.name,
                    child.process.pid, child.process.returncode, child.backoff)
        child.backoff = min(child.backoff * 2, MAX_BACKOFF)

    def _start(self, child: Child, now: float) -> None:
        try:
            child.process = self.spawn(child.argv)
        except OSError as exc:   # the command itself cannot run now: try again after the next backoff
            log.error("serve.start-failed: %s: %s", child.name, exc)
            child.restart_at, child.backoff = now + child.backoff, min(child.backoff * 2, MAX_BACKOFF)
            return
        child.started_at, child.restart_at = now, None
        log.info("serve.started: %s pid %s", child.name, child.process.pid)

    def _stop_all(self) -> None:
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
