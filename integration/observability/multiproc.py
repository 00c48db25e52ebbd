"""The Prometheus multiprocess directory: where it is, cleaning it at start, marking dead processes."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from integration.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_PREPARED_ENV = "RETURNKIT_METRICS_DIR_PREPARED"   # set by `returnkit serve` so gunicorn does not wipe it again


def default_dir(settings: Settings) -> Path:
    """<data dir>/metrics."""
    return settings.data_dir / "metrics"


def prepare(path: str | Path) -> None:
    """Empty the directory once per start (files of a previous run would be counted again)."""
    if os.environ.get(_PREPARED_ENV) == str(path):
        return
    shutil.rmtree(path, ignore_errors=True)
    Path(path).mkdir(parents=True, exist_ok=True)
    os.environ[_PREPARED_ENV] = str(path)


def mark_dead(pid: int) -> None:
    """Tell prometheus_client a process is gone (gunicorn's child_exit hook)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(pid)
