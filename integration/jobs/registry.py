"""Tasks declared on import without a queue, registered on each Huey instance a process builds from its settings.

A declared task's module-level name is a `TaskHandle`: calling it, `.schedule` and `.call_local` act on the
task as registered on the process's current queue. Huey names a task by its function's module and name, so
the names in stored messages and in the fleet's tick keys stay what they were.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from integration.settings import Settings

Schedule = Callable[[Settings], Callable]   # settings -> a Huey validate_datetime (a crontab)


@dataclass(frozen=True)
class Queue:
    """One Huey instance and the tasks registered on it, built from one runtime's settings."""
    settings: Settings
    huey: Any                 # jobs/fleet.py: FleetSqliteHuey or FleetRedisHuey
    tasks: dict[str, Any]     # task name -> Huey's TaskWrapper


@dataclass(frozen=True)
class _Declared:
    fn: Callable
    options: dict
    schedule: Schedule | None   # None: queued by callers; else periodic


class TaskHandle:
    """A declared task, acting on its registration in the queue `resolve()` returns."""

    def __init__(self, name: str, resolve: Callable[[], Queue]):
        self.name, self._resolve = name, resolve

    def wrapper(self):
        """Huey's TaskWrapper for this task on the current queue."""
        return self._resolve().tasks[self.name]

    def __call__(self, *args, **kwargs):
        """Queue a message for the task."""
        return self.wrapper()(*args, **kwargs)

    def schedule(self, *args, **kwargs):
        """Queue a message to run later (Huey's `schedule`)."""
        return self.wrapper().schedule(*args, **kwargs)

    def call_local(self, *args, **kwargs):
        """Run the task's body in this thread, queueing nothing."""
        return self.wrapper().call_local(*args, **kwargs)

    def __getattr__(self, attr: str):
        if attr.startswith("__"):   # copy and pickle probes: not worth building a queue for
            raise AttributeError(attr)
        return getattr(self.wrapper(), attr)

    def __repr__(self) -> str:
        return f"<task {self.name}>"


class TaskList:
    """The tasks a module declares, in order, to register on every queue built for it."""

    def __init__(self, resolve: Callable[[], Queue]):
        self._declared: list[_Declared] = []
        self._resolve = resolve

    def task(self, **options) -> Callable[[Callable], TaskHandle]:
        """Declare a task with Huey's task options."""
        return lambda fn: self._declare(_Declared(fn, options, None))

    def periodic(self, schedule: Schedule, **options) -> Callable[[Callable], TaskHandle]:
        """Declare a periodic task; `schedule(settings)` says when it runs."""
        return lambda fn: self._declare(_Declared(fn, options, schedule))

    def _declare(self, declared: _Declared) -> TaskHandle:
        self._declared.append(declared)
        return TaskHandle(declared.fn.__name__, self._resolve)

    def register(self, huey, settings: Settings) -> dict[str, Any]:
        """Register every declared task on `huey`; name -> TaskWrapper."""
        tasks = {}
        for d in self._declared:
            if d.schedule is None:
                tasks[d.fn.__name__] = huey.task(**d.options)(d.fn)
            else:
                tasks[d.fn.__name__] = huey.periodic_task(d.schedule(settings), **d.options)(d.fn)
        return tasks
