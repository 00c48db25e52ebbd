"""The web process's gunicorn settings (integration/gunicorn_conf.py) as a worker runs them."""
import subprocess
import sys

WORKER = """
import gc
from integration.app import create_app
import integration.gunicorn_conf as conf
create_app()
made_before = [object()]   # a tracked container that exists before the freeze
conf.post_worker_init(None)
frozen = all(o is not made_before for o in gc.get_objects())
class Cycle:
    pass
a, b = Cycle(), Cycle()
a.other, b.other = b, a
del a, b
print(frozen, gc.get_freeze_count() > 10000, gc.collect() >= 2, len(gc.get_objects()) < 1000)
"""


def test_a_loaded_worker_freezes_the_apps_objects_and_still_collects_new_garbage(tmp_path):
    """After post_worker_init a full collection no longer walks the app's objects, and new cycles are still freed."""
    env = {"RETURNKIT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True", "True"]
