"""The inbound HTTP edge as a Flask app of its own: POST /webhooks/<platform>, in front of the main app.

A platform's delivery has no use for the settings pages' request hooks (cookie sessions, CSRF, rate
limits, embedded sign-in, HTML security headers), and under load they cost about a sixth of a
delivery's time. So /webhooks/... goes to this app, which carries only the receiver and the request
id; everything else goes to the main app. Both share one AppContext (runtime, queue, shop snapshots).
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SessionInterface

from integration.observability.web import add_request_ids
from webhooks.easypost import easypost_webhooks
from webhooks.receiver import webhooks

PREFIX = "/webhooks"


class EdgeDispatcher:
    """WSGI: paths under /webhooks to the edge app, the rest to the main app (neither path is rewritten)."""

    def __init__(self, main_wsgi, edge_wsgi):
        self._main, self._edge = main_wsgi, edge_wsgi

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        edge = path == PREFIX or path.startswith(PREFIX + "/")
        return (self._edge if edge else self._main)(environ, start_response)


class NoSessions(SessionInterface):
    """No cookie session: a delivery is authenticated by its signature, never by a browser's cookie."""

    def open_session(self, app, request):
        """Flask's null session, which refuses writes."""
        return self.make_null_session(app)

    def save_session(self, app, session, response) -> None:
        """Nothing to save, so no Set-Cookie."""
        return None


def create_edge_app(main: Flask) -> Flask:
    """The receiver's own app, configured as `main` is and sharing its AppContext."""
    edge = Flask(__name__)
    edge.config.update(main.config)
    # The receiver reads a delivery's body under the webhook limit itself (receiver._read_body), chunked bodies
    # included; the app-wide MAX_CONTENT_LENGTH (1 MiB, for forms and the JSON APIs) would cut it short first.
    edge.config["MAX_CONTENT_LENGTH"] = None
    edge.session_interface = NoSessions()
    edge.json = type(main.json)(edge)
    edge.json.sort_keys = False
    edge.extensions["returnkit"] = main.extensions["returnkit"]
    edge.register_blueprint(webhooks)
    edge.register_blueprint(easypost_webhooks)   # POST /webhooks/easypost/<shop>: return parcels' trackers
    add_request_ids(edge)
    return edge


def mount_edge(main: Flask) -> Flask:
    """Serve /webhooks/... from an edge app in front of `main`; the edge app is returned."""
    edge = create_edge_app(main)
    main.wsgi_app = EdgeDispatcher(main.wsgi_app, edge.wsgi_app)
    main.extensions["webhooks_edge"] = edge
    return edge
