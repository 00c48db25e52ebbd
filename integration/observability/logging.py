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
# What in a URL signs someone in or proves an install, as the access log and a library's debug line carry it:
# OAuth codes and state, Shopify's hmac, id_token and `session`, a WooCommerce connect's nonce (user_id), tokens,
# and the token in a sign-in link's path; also inside a URL carried URL-encoded in another's query (Shopify's
# session-token page gets the page to reload as `shopify-reload=%2Fapp%2F%3F...%26session%3D...`).
_SECRET_NAMES = "code|hmac|id_token|session|state|token|access_token|signature|user_id"
_URL_SECRETS = re.compile(rf"([?&](?:{_SECRET_NAMES})=)[^&\s\"'#]*", re.IGNORECASE)
_ENCODED_SECRETS = re.compile(rf"((?:%3F|%26)(?:{_SECRET_NAMES})%3D)(?:(?!%26)[^&\s\"'#])*", re.IGNORECASE)
_LOGIN_PATH = re.compile(r"(/app/login/)[^/?#\s\"']+")


def redact_urls(text: str) -> str:
    """The text with the credentials in any URL it holds masked (query parameters and sign-in link paths)."""
    if "=" in text and ("?" in text or "&" in text):
        text = _URL_SECRETS.sub(r"\1[redacted]", text)
    if "%3D" in text or "%3d" in text:
        text = _ENCODED_SECRETS.sub(r"\1[redacted]", text)
    if "/login/" in text:
        text = _LOGIN_PATH.sub(r"\1[redacted]", text)
    return text


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
        event, message = split_event(record.name, redact(redact_urls(record.getMessage())))
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "event": event, "message": message}
        line.update(bound())
        if record.exc_info:
            line["exception"] = redact(redact_urls(self.formatException(record.exc_info)))
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
