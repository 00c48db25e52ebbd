"""The baseline: a bare Flask endpoint that reads the body and returns 200, served the same way as ours."""
from flask import Flask, request


def create_bare_app() -> Flask:
    """POST /webhooks/shopify -> 200, nothing else."""
    app = Flask(__name__)

    @app.post("/webhooks/shopify")
    def receive():
        request.get_data()
        return {"status": "ok"}

    return app
