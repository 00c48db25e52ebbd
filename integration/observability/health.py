"""Readiness: can this process reach its database and its queue right now? Each answer names what failed."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from huey.storage import RedisStorage
from sqlalchemy import text

TIMEOUT_SECONDS = 2
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
# Checks run here so a database or Redis that never answers costs the probe TIMEOUT_SECONDS, not a hang.
_CHECKS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def _database(engine) -> str:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {TIMEOUT_SECONDS * 1000}"))
        conn.execute(text("SELECT 1"))
    return "ok"


def _queue(huey) -> str:
    storage = huey.storage
    if isinstance(storage, RedisStorage):
        storage.conn.ping()
    else:
        storage.queue_size()   # SqliteHuey: opens its file and reads the task table
    return "ok"


def describe_error(exc: Exception) -> str:
    """What went wrong, by exception type and first line, never with a URL (it may carry a password)."""
    first = _URL.sub("[url]", (str(exc).splitlines() or [""])[0]).strip()
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__


def readiness(engine, huey) -> dict[str, str]:
    """{"database": "ok" | "fail: ...", "queue": "ok" | "fail: ..."} for this process's engine and Huey."""
    futures = {"database": _CHECKS.submit(_database, engine), "queue": _CHECKS.submit(_queue, huey)}
    checks = {}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=TIMEOUT_SECONDS)
        except FutureTimeout:
            checks[name] = f"fail: no answer within {TIMEOUT_SECONDS} s"
        except Exception as exc:  # any failure means not ready; the reason goes in the answer
            checks[name] = f"fail: {describe_error(exc)}"
    return checks
