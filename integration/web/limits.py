"""Rate limits for the public pages (Flask-Limiter): Redis when REDIS_URL is set, so every web process
and machine shares one count; on the embedded defaults each process counts for itself."""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def configure_limits(app: Flask, settings) -> None:
    """Attach the limiter to the app with the deployment's storage."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.redis_url or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "returnkit-limits")
    limiter.init_app(app)
