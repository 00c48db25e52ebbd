"""The queue is built from the settings it is given, by the app factory or on the worker's first use, not on import."""
import subprocess
import sys
import threading
from datetime import datetime

import pytest

from integration.app import create_app
from integration.jobs import queue
from integration.jobs.queue import build_queue, current_queue, use_queue
from integration.outbox.drain import DrainReport
from integration.settings import load_settings

TASKS = {"process_delivery_task", "process_deliveries_task", "drain_shop_task", "wake_shop_task", "run_action_task",
         "reconcile_shop_task", "send_messages_task"}
PERIODIC = {"requeue_lost_deliveries", "reap_actions", "refresh_credentials", "reconcile_shops", "purge_expired_rows",
            "expire_unused_labels", "reap_messages", "fall_back_out_of_stock"}

# A fresh interpreter: settings that cannot be loaded, and a Huey that records being made.
IMPORT_ONLY = """
import huey.api, integration.settings
made = []
def refuse(*args, **kwargs):
    raise AssertionError("settings read on import")
integration.settings.load_settings = refuse
init = huey.api.Huey.__init__
huey.api.Huey.__init__ = lambda self, *a, **k: (made.append(type(self).__name__), init(self, *a, **k))[1]
import integration.jobs.queue, integration.jobs.handoff, integration.app
print(made, integration.jobs.queue._current)
"""


@pytest.fixture()
def installed(monkeypatch):
    """Whatever queue a test installs is taken back afterwards."""
    monkeypatch.setattr(queue, "_current", None)


def test_importing_the_queue_or_the_app_builds_no_huey_and_reads_no_settings(tmp_path):
    env = {"RETURNKIT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", IMPORT_ONLY], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "None"]
    assert not (tmp_path / "queue.sqlite3").exists()


def test_a_queue_is_built_from_its_settings_with_the_task_names_of_stored_messages(tmp_path):
    built = build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path), "RETURNKIT_RECONCILE_MINUTES": "15"}))
    assert (tmp_path / "queue.sqlite3").exists()
    assert set(built.tasks) == TASKS | PERIODIC
    registered = {name.removeprefix("integration.jobs.queue.") for name in built.huey._registry._registry}
    assert registered == TASKS | PERIODIC
    assert {t.name for t in built.huey._registry.periodic_tasks} == PERIODIC
    sweep = built.tasks["reconcile_shops"].task_class()
    assert sweep.validate_datetime(datetime(2026, 5, 1, 10, 15))
    assert not sweep.validate_datetime(datetime(2026, 5, 1, 10, 5))


def test_two_queues_of_two_settings_share_nothing(tmp_path):
    one = build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path / "one")}))
    two = build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path / "two")}))
    one.tasks["run_action_task"](5)
    assert (one.huey.pending_count(), two.huey.pending_count()) == (1, 0)


def test_the_module_names_act_on_the_installed_queue(tmp_path, installed):
    built = use_queue(build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path)})))
    from integration.jobs.queue import huey
    assert huey is built.huey and queue.huey is built.huey
    queue.process_delivery_task(7)
    queue.enqueue_deliveries([8, 9])
    messages = [built.huey.dequeue() for _ in range(2)]
    assert [(m.name, m.args) for m in messages] == [("process_delivery_task", (7,)),
                                                    ("process_deliveries_task", ([8, 9],))]


def test_without_one_installed_the_queue_is_built_once_from_the_environment(tmp_path, monkeypatch, installed):
    monkeypatch.setenv("RETURNKIT_DATA_DIR", str(tmp_path))
    seen, start = [], threading.Barrier(4)

    def ask():
        start.wait()
        seen.append(current_queue())
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(q) for q in seen}) == 1
    assert seen[0].settings.data_dir == tmp_path.resolve()


def test_the_app_factory_installs_the_queue_of_its_runtimes_settings(rt, installed):
    create_app({"TESTING": True}, rt=rt)
    assert current_queue().settings is rt.settings
    assert (rt.settings.data_dir / "queue.sqlite3").exists()


def test_an_app_given_its_own_queue_opens_none(rt, installed):
    create_app({"TESTING": True}, rt=rt, enqueue=lambda delivery_id: None)
    assert queue._current is None


def test_a_drain_reaches_the_platforms_with_its_runtimes_settings(rt, tmp_path, monkeypatch, installed):
    from integration.outbox import drain, gateways
    use_queue(build_queue(load_settings({"RETURNKIT_DATA_DIR": str(tmp_path / "queue")})))
    given, called = [], []
    monkeypatch.setattr(queue, "runtime", lambda: rt)
    monkeypatch.setattr(drain, "drain_shop", lambda _rt, shop_id, gws: given.append(gws) or DrainReport(0, False, None))
    monkeypatch.setattr(gateways, "platform_gateway", lambda *args: called.append(args))
    queue.drain_shop_task.call_local(3)
    given[0]("a shop")
    assert called == [("a shop", rt.sessions, rt.settings)]
