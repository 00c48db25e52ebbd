"""Rate limits for the public pages (Flask-Limiter): Redis when REDIS_URL is set, so every web process
and machine shares one count; on the embedded defaults each process counts for itself."""
from __future__ import annotations

import hashlib
import logging
import math
import time
from functools import partial, wraps

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
log = logging.getLogger(__name__)
# Starting an install writes a pending install (purged once expired): counted per client address and per shop, on
# the canonical domain, so neither one address nor many addresses aimed at one shop can write rows without end.
INSTALLS_PER_ADDRESS = "10 per minute;50 per hour"
INSTALLS_PER_SHOP = "5 per minute;20 per hour"
# Only the customer's request page and the decision API (open to anyone) carry decorated limits; every other
# request (a webhook above all) skips the limiter's per-request bookkeeping, which cost about a tenth of a webhook
# delivery's time. A customer's proof of an order is counted by integration/web/customer_limits.py, on any route, and
# an install start by count_install_start below.
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


class TooManyStarts(Exception):
    """This address or this shop has started enough installs for now; `retry_after` is in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many installs started; try again in {retry_after} seconds")
        self.retry_after = retry_after


def first_exceeded(counters) -> tuple[object, tuple, int] | None:
    """(item, ids, seconds until it resets) of the first counter whose limit is reached, or None."""
    for item, ids in counters:
        if not limiter.limiter.test(item, *ids):
            reset_at = limiter.limiter.get_window_stats(item, *ids).reset_time
            return item, ids, max(1, math.ceil(reset_at - time.time()))
    return None


def count_install_start(platform: str, domain: str | None) -> None:
    """Count an install start by this address and for this shop; TooManyStarts, counting nothing, when over a limit."""
    if not limiter.enabled:
        return
    # Hashed: what a stranger typed stays out of the limiter's storage, and no separator can be forged in it.
    shop = hashlib.sha256(f"{platform}\0{domain}".encode()).hexdigest()[:32] if domain else None
    specs = [(INSTALLS_PER_ADDRESS, ("address", request.remote_addr or "unknown"))]
    specs += [(INSTALLS_PER_SHOP, ("shop", shop))] if shop else []
    counters = [(item, ("returnkit-install", *ids)) for spec, ids in specs for item in parse_many(spec)]
    if over := first_exceeded(counters):
        log.warning("install.start-limited: %s by %s", platform, over[1][1])
        raise TooManyStarts(over[2])
    for item, ids in counters:
        limiter.limiter.hit(item, *ids)
