"""`returnkit serve`'s supervisor (issue 16, item 10): a child that exits is started again after a backoff that
doubles while it keeps dying and starts over once it ran a while, the other child is left alone, and stopping
stops both. Fake processes and a fake clock: nothing is started or killed here (tests/proving kills a real one)."""
import logging
import signal

from integration.cli import supervise
from integration.cli.supervise import Child, Supervisor


class FakeProcess:
    pids = iter(range(100, 1000))

    def __init__(self, argv):
        self.argv, self.pid, self.returncode, self.terminated = argv, next(self.pids), None, False

    def poll(self):
        return self.returncode

    def die(self, status: int = -9) -> None:
        self.returncode = status

    def terminate(self) -> None:
        self.terminated, self.returncode = True, 0

    def wait(self, timeout=None):
        return self.returncode


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _supervisor():
    clock, started = Clock(), []

    def spawn(argv):
        started.append(FakeProcess(argv))
        return started[-1]
    children = [Child("web", ["gunicorn"]), Child("worker", ["worker"])]
    supervisor = Supervisor(children, spawn=spawn, clock=clock)
    for child in children:
        supervisor._start(child, clock())
    return supervisor, clock, started


def _process(supervisor, name):
    return next(c for c in supervisor.children if c.name == name).process


def test_a_dead_worker_is_started_again_after_its_backoff_and_the_web_keeps_running(caplog):
    caplog.set_level(logging.INFO)
    supervisor, clock, started = _supervisor()
    web, worker = started
    worker.die()
    supervisor.tick()
    assert _process(supervisor, "worker") is worker and not web.terminated   # waiting out the backoff
    clock.now += supervise.FIRST_BACKOFF
    supervisor.tick()
    assert _process(supervisor, "worker") is not worker and _process(supervisor, "web") is web
    assert len(started) == 3 and started[2].argv == ["worker"]
    exited = [r.getMessage() for r in caplog.records if r.getMessage().startswith("serve.exited")]
    assert exited == [f"serve.exited: worker (pid {worker.pid}) exited with status -9; starting it again in 1 s"]
    assert f"serve.started: worker pid {started[2].pid}" in caplog.text


def test_the_backoff_doubles_while_a_process_keeps_dying_and_starts_over_once_it_stayed_up(caplog):
    supervisor, clock, started = _supervisor()
    waits = []
    for _ in range(7):
        _process(supervisor, "web").die(1)
        supervisor.tick()
        child = supervisor.children[0]
        waits.append(child.restart_at - clock.now)
        clock.now = child.restart_at
        supervisor.tick()
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    clock.now += supervise.STEADY_SECONDS
    _process(supervisor, "web").die(1)
    supervisor.tick()
    assert supervisor.children[0].restart_at - clock.now == 1


def test_stopping_terminates_both_and_restarts_nothing(monkeypatch):
    supervisor, clock, started = _supervisor()
    handlers = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: handlers.setdefault(sig, handler))
    supervisor.sleep = lambda _s: handlers[signal.SIGTERM](signal.SIGTERM, None)
    supervisor.children[0].process = supervisor.children[1].process = None
    supervisor.spawn = lambda argv: started.append(FakeProcess(argv)) or started[-1]
    assert supervisor.run() == 0
    assert [p.terminated for p in started[2:]] == [True, True] and len(started) == 4


def test_a_command_that_cannot_start_is_tried_again_later(caplog):
    supervisor, clock, started = _supervisor()
    attempts = []

    def broken(argv):
        attempts.append(argv)
        raise OSError("no such file")
    supervisor.spawn = broken
    _process(supervisor, "worker").die()
    supervisor.tick()
    clock.now += 1
    supervisor.tick()
    assert attempts == [["worker"]] and "serve.start-failed: worker" in caplog.text
    assert supervisor.children[1].restart_at == clock.now + 2
