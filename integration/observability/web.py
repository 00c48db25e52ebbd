"""GET /readyz, GET /metrics, and a request id for every HTTP request (X-Request-Id in, and back out)."""
from __future__ import annotations

import itertools
import os
import re
import secrets

from flask import Blueprint, Flask, Response, current_app, request

from integration.observability import context
from integration.observability.health import readiness
from integration.observability.metrics import exposition
from prometheus_client import CONTENT_TYPE_LATEST

observability = Blueprint("observability", __name__)
# A caller's id is kept only when it is short and plain, so it cannot forge or bloat a log line.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIds:
    """Fresh request ids: a random prefix per process and a counter, unique without a system call per request."""

    def __init__(self):
        self.reseed()
        os.register_at_fork(after_in_child=self.reseed)   # a forked worker must not repeat its parent's ids

    def reseed(self) -> None:
        """A new random prefix, and the counter from 1."""
        self._prefix, self._count = secrets.token_hex(8), itertools.count(1)

    def new(self) -> str:
        """The next id (32 hex digits, as a uuid4's; thread-safe: the counter's next() holds the GIL)."""
        return f"{self._prefix}{next(self._count):016x}"


_IDS = RequestIds()


def _bind_request_id():
    given = request.environ.get("HTTP_X_REQUEST_ID", "")
    context.reset(request_id=given if given and _REQUEST_ID.fullmatch(given) else _IDS.new())


def _return_request_id(response: Response) -> Response:
    response.headers["X-Request-Id"] = context.bound().get("request_id", "")
    return response


def add_request_ids(app: Flask) -> None:
    """Every request of this app gets an id (the caller's X-Request-Id if plain, else a new one), bound
    into its log lines and sent back in X-Request-Id."""
    app.before_request(_bind_request_id)
    app.after_request(_return_request_id)


@observability.get("/readyz")
def readyz():
    """200 when the database and the queue answer; 503 naming what failed."""
    from integration.jobs.queue import huey   # the queue this process sends to
    checks = readiness(current_app.extensions["returnkit"].runtime.engine, huey)
    ok = all(value == "ok" for value in checks.values())
    return checks, 200 if ok else 503


@observability.get("/metrics")
def metrics():
    """Prometheus text exposition."""
    return Response(exposition(current_app.extensions["returnkit"].runtime.sessions), mimetype=CONTENT_TYPE_LATEST)
