"""gunicorn settings for the web process (`gunicorn -c integration/gunicorn_conf.py`): JSON logs, Prometheus multiprocess.

Every web process writes its metrics to PROMETHEUS_MULTIPROC_DIR and /metrics adds them up; the
directory is emptied when gunicorn starts (stale files would count a previous run), and a dead
worker's live gauges are dropped. Without the variable, <data dir>/metrics is used.
"""
import gc
import os

from integration.observability.multiproc import MULTIPROC_ENV, default_dir, mark_dead, prepare
from integration.settings import load_settings

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
os.environ.setdefault(MULTIPROC_ENV, str(default_dir(load_settings())))   # before any worker imports prometheus_client


def on_starting(server):
    """Clean the metrics directory (unless `returnkit serve` already did), and log as JSON."""
    from integration.observability.logging import setup_logging
    prepare(os.environ[MULTIPROC_ENV])
    setup_logging()


def post_fork(server, worker):
    """Each web worker logs JSON lines too."""
    from integration.observability.logging import setup_logging
    setup_logging()


def post_worker_init(worker):
    """The app is loaded: its objects (about 135,000: modules, models, schemas) leave the garbage collector's view."""
    # A full collection walked them all, a pause of about 70 ms here every few thousand deliveries; they live until
    # the process exits anyway. Objects made after this are still collected as before.
    gc.freeze()


def child_exit(server, worker):
    """A worker that died leaves files behind: mark it dead so its gauges stop counting."""
    mark_dead(worker.pid)
