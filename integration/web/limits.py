"""Rate limits for the public pages (Flask-Limiter): Redis when REDIS_URL is set, so every web process
and machine shares one count; on the embedded defaults each process counts for itself."""
from __future__ import annotations

from functools import partial, wraps

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
# Only the customer's request page and the decision API (open to anyone) carry decorated limits; every other
# request (a webhook above all) skips the limiter's per-request bookkeeping, which cost about a tenth of a webhook
# delivery's time. A customer's proof of an order is counted by integration/web/customer_limits.py, on any route.
LIMITED_BLUEPRINTS = frozenset({"customer", "api"})


def configure_limits(app: Flask, settings) -> None:
    """Attach the limiter to the app with the deployment's storage."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "returnkit-limits")
    limiter.init_app(app)
    _only_for_limited_pages(app)


def _is_limiter_hook(hook) -> bool:
    return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and hook.args[:1] == (limiter,))


def _guarded(hook, after: bool):
    @wraps(hook)
    def run_on_limited_pages(*args):
        if request.blueprint in LIMITED_BLUEPRINTS:
            return hook(*args)
        return args[0] if after else None   # an after-request hook hands the response on
    return run_on_limited_pages


def _only_for_limited_pages(app: Flask) -> None:
    """Run the limiter's request hooks only for the blueprints that carry limits."""
    for hooks, after in ((app.before_request_funcs, False), (app.after_request_funcs, True),
                         (app.teardown_request_funcs, False)):
        hooks[None] = [_guarded(hook, after) if _is_limiter_hook(hook) else hook for hook in hooks.get(None, [])]
