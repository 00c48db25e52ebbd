"""Errors and call metrics shared by the platform clients."""
from __future__ import annotations

import time
from contextlib import contextmanager

from prometheus_client import Counter, Histogram


class PlatformError(RuntimeError):
    """A platform API call that failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None, throttled: bool = False, code: str | None = None,
                 detail: str | None = None):
        super().__init__(message)
        self.code, self.detail = code, detail   # the platform's own error code and message, when it gave them
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.throttled = throttled      # a rate limit, not a fault: retry after `retry_after`, no backoff


# Platform call metrics live here, beside PlatformError, so the adapters need nothing from integration/.
PLATFORM_CALL_SECONDS = Histogram("returnkit_platform_call_seconds", "Time of one platform API call",
                                  ("platform", "operation"),
                                  buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
PLATFORM_THROTTLED = Counter("returnkit_platform_throttled_total", "Platform answers that were a rate limit",
                             ("platform",))


@contextmanager
def platform_call(platform: str, operation: str):
    """Time one call to a platform; a PlatformError marked throttled also counts as a rate limit."""
    started = time.perf_counter()
    try:
        yield
    except PlatformError as exc:
        if exc.throttled or exc.status == 429:
            PLATFORM_THROTTLED.labels(platform).inc()
        raise
    finally:
        PLATFORM_CALL_SECONDS.labels(platform, operation).observe(time.perf_counter() - started)
