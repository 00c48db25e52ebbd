"""Shared fixtures: a migrated database per test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import os
import tempfile
import uuid

# Anything that falls back to the process runtime (the module-level queue) stays out of the work tree.
os.environ.setdefault("RETURNKIT_DATA_DIR", tempfile.mkdtemp(prefix="returnkit-tests-"))

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from flask.testing import FlaskClient

from integration.app import create_app
from integration.db.engine import make_engine, transaction
from integration.policy.loader import resolve_policy_path
from integration.services.shops import add_shop
from tests.webhook_helpers import SECRET, SHOPIFY_DOMAIN, WOO_URL
from integration.db.migrate import upgrade
from integration.runtime import Runtime, build_runtime
from integration.settings import load_settings

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TEST_KEY = Fernet.generate_key().decode()


def _postgres_url(schema: str) -> str:
    base = os.environ["TEST_DATABASE_URL"]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A freshly migrated database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'returnkit.sqlite3'}"
        upgrade(url)
        yield url
        return
    schema = f"rk_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(os.environ["TEST_DATABASE_URL"])
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = _postgres_url(schema)
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture()
def rt(database_url, tmp_path) -> Runtime:
    """A runtime on the test database with a throwaway secret key."""
    settings = load_settings({"DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"),
                              "RETURNKIT_SECRET_KEY": TEST_KEY})
    runtime = build_runtime(settings)
    yield runtime
    runtime.engine.dispose()


# An app with a Shopify and a WooCommerce shop installed, and a queue that records what it is given.
@pytest.fixture()
def queue():
    return []


@pytest.fixture()
def shops(rt):
    with transaction(rt.sessions) as session:
        shopify = add_shop(session, platform="shopify", domain=SHOPIFY_DOMAIN, webhook_secret=SECRET,
                           policy_text=resolve_policy_path("kaolate").read_text())
        woo = add_shop(session, platform="woocommerce", domain=WOO_URL, webhook_secret=SECRET,
                       policy_text=resolve_policy_path("kinectr").read_text())
    return {"shopify": shopify, "woocommerce": woo}


class ClosingClient(FlaskClient):
    """Closes each response as a WSGI server does after sending it (that runs call_on_close hooks)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture()
def client(rt, shops, queue):
    app = create_app({"TESTING": True}, rt=rt, enqueue=queue.append)
    app.test_client_class = ClosingClient
    return app.test_client()
