"""Ids bound to what this thread is doing (a request, a delivery, an action), for every log line it writes."""
from __future__ import annotations

import functools
import inspect
from contextlib import contextmanager
from contextvars import ContextVar

_BOUND: ContextVar[dict] = ContextVar("returnkit_log_context", default={})


def bound() -> dict:
    """The ids bound now (request_id, delivery_id, action_id)."""
    return _BOUND.get()


@contextmanager
def binding(**ids):
    """Bind ids for the duration of the block, on top of what is already bound."""
    token = _BOUND.set({**_BOUND.get(), **ids})
    try:
        yield
    finally:
        _BOUND.reset(token)


def bind(**ids) -> None:
    """Bind ids until the context is replaced (the HTTP layer starts a fresh one per request)."""
    _BOUND.set({**_BOUND.get(), **ids})


def reset(**ids) -> None:
    """Replace everything bound with these ids (the start of an HTTP request)."""
    _BOUND.set(dict(ids))


def binds(name: str):
    """Decorator: bind the function's argument `name` (e.g. action_id) while it runs."""
    def decorate(fn):
        position = list(inspect.signature(fn).parameters).index(name)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            value = kwargs[name] if name in kwargs else args[position]
            with binding(**{name: value}):
                return fn(*args, **kwargs)
        return wrapper
    return decorate
