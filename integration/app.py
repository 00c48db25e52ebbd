"""Flask application factory: the decision and request APIs, the webhook receivers and the settings pages."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import re

import orjson
from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from adapters.registry import ADAPTERS
from integration.api.decisions import api
from integration.api.requests import requests_api
from integration.jobs.batcher import DeliveryBatcher
from integration.observability.web import add_request_ids, observability
from integration.runtime import Runtime, runtime
from integration.inbox.store import InboxWriter
from integration.jobs.handoff import action_queue, send_deliveries
from integration.jobs.queue import build_queue, use_queue
from integration.web import register_web
from integration.web.customer_i18n import init_babel
from integration.web.compile_once import TEMPLATES, OnceCompiledRule
from webhooks.edge import mount_edge
from webhooks.shop_cache import ShopCache


@dataclass
class AppContext:
    """What request handlers need: the runtime and how to queue a stored delivery."""
    runtime: Runtime
    enqueue: Callable[[int], None] | None   # None: the worker reads new deliveries from the inbox (jobs/feeder.py)
    shops: ShopCache
    enqueue_action: Callable[[int], None]
    inbox: InboxWriter


# One per process: the receivers hand it row ids and answer; its thread sends the queue messages.
_DELIVERY_BATCHER = DeliveryBatcher(send_deliveries)


class StrictJSON(DefaultJSONProvider):
    """Request bodies parsed as the webhook receiver does (orjson): deep nesting, NaN, lone surrogates and NUL
    characters are invalid JSON (a 400), never a RecursionError or a database encoding error (a 500)."""

    def loads(self, s, **kwargs):
        if re.search(rb"\\u0000" if isinstance(s, bytes) else r"\\u0000", s):
            raise ValueError("the JSON holds a NUL character (\\u0000)")
        return orjson.loads(s)


def create_app(overrides: dict | None = None, rt: Runtime | None = None,
               enqueue: Callable[[int], None] | None = None,
               enqueue_action: Callable[[int], None] | None = None) -> Flask:
    """Build the app; tests pass their own runtime, queue and configuration."""
    for adapter in ADAPTERS.values():
        adapter.prepare()
    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": TEMPLATES}   # before anything builds jinja_env
    app.url_rule_class = OnceCompiledRule
    app.json = StrictJSON(app)
    app.config.update(MAX_CONTENT_LENGTH=1024 * 1024, JSON_SORT_KEYS=False)
    app.config.update(overrides or {})
    app.json.sort_keys = False
    rt = rt or runtime()
    if enqueue is None:
        use_queue(build_queue(rt.settings))   # this process's queue, opened now rather than on the first delivery
        # On the embedded defaults the worker feeds its queue from the inbox; elsewhere the web processes queue.
        enqueue = None if rt.settings.embedded else _DELIVERY_BATCHER.put
    app.extensions["returnkit"] = AppContext(rt, enqueue, ShopCache(rt.sessions),
                                             enqueue_action or action_queue(rt), InboxWriter(rt.engine))
    app.register_blueprint(api)
    app.register_blueprint(requests_api)
    app.register_blueprint(observability)  # /readyz, /metrics
    add_request_ids(app)
    register_web(app, rt.settings)
    init_babel(app)   # the customer page in the browser's or the shop's language (integration/translations)
    mount_edge(app)   # POST /webhooks/<platform>, without the pages' request hooks
    if rt.settings.trusted_proxies:   # behind a load balancer: trust that many hops of X-Forwarded-*
        hops = rt.settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/")
    def index():
        return jsonify(service="returnkit", endpoints={
            "GET /healthz": "liveness",
            "GET /readyz": "readiness: database and queue",
            "GET /metrics": "Prometheus metrics",
            "GET /api/v1/policies": "the preset policies",
            "POST /api/v1/decide": "{policy: preset name or policy document, case | cases} -> decisions",
            "POST /api/v1/policies/check": "{policy: preset name, or with a shop's key YAML text or a document} -> "
                                           "errors and findings",
        })

    return app
