"""Serve a Flask app on a free localhost port in a background thread, for emulators."""
from __future__ import annotations

import threading

from werkzeug.serving import make_server


class Served:
    """A running server: `.url`, `.stop()`."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: stop() waits up to one interval, once per test.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.thread.join(timeout=5)
