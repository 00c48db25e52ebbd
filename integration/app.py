"""Flask application factory: the decision API (the settings page and webhooks build on it)."""
from __future__ import annotations

from flask import Flask, jsonify

from integration.api import api


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app; `overrides` replaces configuration values (tests)."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024, JSON_SORT_KEYS=False)
    app.config.update(overrides or {})
    app.json.sort_keys = False
    app.register_blueprint(api)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/")
    def index():
        return jsonify(service="returnkit", endpoints={
            "GET /healthz": "liveness",
            "GET /api/v1/policies": "the preset policies",
            "POST /api/v1/decide": "{policy: preset name or policy document, case | cases} -> decisions",
            "POST /api/v1/policies/check": "{policy: YAML text or document} -> errors and findings",
        })

    return app
