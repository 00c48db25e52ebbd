"""One logging setup for web, worker and CLI: JSON lines with stable event keys, bound ids, secrets masked.

Our log messages start with their event key: `log.info("webhook.received: shopify orders/create ...")`.
The formatter splits that key into `event` and the rest into `message`. Lines from libraries get
`lib.<package>` as their event. docs/observability.md lists every key.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import datetime, timezone

import orjson

from integration.observability.context import bound
from integration.observability.redact import redact

_KEYED = re.compile(r"([a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+):\s?(.*)", re.DOTALL)
OUR_PACKAGES = ("integration", "webhooks", "adapters", "bench")
# Library loggers whose lines are worth a key of their own.
LIBRARY_EVENTS = {"gunicorn.access": "http.access"}


def split_event(logger: str, text: str) -> tuple[str, str]:
    """(event, message) from a log line written as "event.key: message"."""
    top = logger.split(".", 1)[0]
    if top not in OUR_PACKAGES:
        return LIBRARY_EVENTS.get(logger, f"lib.{top}"), text
    match = _KEYED.fullmatch(text)
    return (match.group(1), match.group(2)) if match else ("unkeyed", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, event, message, the bound ids, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        event, message = split_event(record.name, redact(record.getMessage()))
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "event": event, "message": message}
        line.update(bound())
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        try:   # orjson: a line is written for every delivery we receive
            return orjson.dumps(line, default=str).decode()
        except TypeError:   # what orjson refuses (an int past 64 bits, a key that is not a string)
            return json.dumps(line, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """A stream handler that writes to whatever sys.stderr is when it writes (test runners swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def setup_logging(level: str | None = None, stream=None) -> logging.Handler:
    """Send every log record (ours, gunicorn's, huey's) as JSON lines to stderr; RETURNKIT_LOG_LEVEL sets the level."""
    handler = logging.StreamHandler(stream) if stream else _Stderr()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    # A JSON line says nothing of the calling line, thread or process, so logging need not look them up for
    # every record (the logging HOWTO's "Optimization" section): a line is written for every delivery.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root.setLevel((level or os.environ.get("RETURNKIT_LOG_LEVEL", "INFO")).upper())
    for name in ("gunicorn.error", "gunicorn.access", "huey"):
        library = logging.getLogger(name)
        library.handlers, library.propagate = [], True   # one format for everything, through the root handler
    return handler
