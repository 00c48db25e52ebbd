"""Errors shared by the platform clients."""


class PlatformError(RuntimeError):
    """A platform API call that failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, status: int | None = None, retryable: bool = False,
                 retry_after: float | None = None, throttled: bool = False):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        self.throttled = throttled      # a rate limit, not a fault: retry after `retry_after`, no backoff
