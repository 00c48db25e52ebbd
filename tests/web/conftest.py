"""Web-test fixtures: the real app on the test database, and two shops (A, the caller; B, the other tenant)."""
import pytest

from integration.app import create_app
from tests.conftest import ClosingClient
from tests.web.tenant_world import build_world


@pytest.fixture()
def web_app(rt, shops, queue):
    """The app with the test runtime; deliveries go to `queue`, actions are not run."""
    app = create_app({"TESTING": True}, rt=rt, enqueue=queue.append, enqueue_action=lambda _id: None)
    app.test_client_class = ClosingClient   # the receivers queue deliveries when the response closes
    return app


@pytest.fixture()
def tenants(web_app, rt, queue, shops):
    """(A, B): both with orders, a request, its decision and actions, policy versions and an API key."""
    return build_world(web_app.test_client(), rt, queue, shops)
