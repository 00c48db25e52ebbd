"""Shared fixtures: a migrated database per test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import os
import shutil
import sqlite3
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
from integration.shops.core import add_shop
from tests.tiers import set_tier
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One SQLite file migrated to head per test session; each test gets a copy (migrating took ~0.3 s a test)."""
    path = tmp_path_factory.mktemp("template") / "returnkit.sqlite3"
    upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")   # everything in the main file, so copying it alone is whole
    conn.close()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template):
    """A freshly migrated database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        path = tmp_path / "returnkit.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
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


@pytest.fixture(autouse=True)
def fresh_cost_buckets():
    """Each test starts with no Shopify cost buckets: they are keyed by URL, and an emulator's port is reused."""
    # Not through `monkeypatch`: an autouse fixture that asks for it sets it up first, so a test's own patches were
    # undone after `rt` was torn down. A test that swaps `rt.engine` for a broken one then had the broken one
    # disposed and the real one's pooled PostgreSQL connection left open, for the garbage collector to warn about.
    from adapters.shopify import client
    from adapters.shopify.throttle import Buckets
    saved, client.BUCKETS = client.BUCKETS, Buckets()
    yield
    client.BUCKETS = saved


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


# The tiers. `make test` runs the quick tier: SQLite and the embedded queue, no process kills. `make proving` runs
# the rest: the suites marked `proving` (crash, chaos, fleet, load, browser) and every test's PostgreSQL + Redis
# variant. The two tiers partition the suite, so `.ci/run`, which runs both, runs every test once, except the tests
# marked `scaled` (the largest property and flood tests), which run in both: small in the quick tier, in full after.
SERVICE_PARAMS = {"postgresql", "redis"}


def pytest_addoption(parser):
    parser.addoption("--tier", choices=("quick", "proving", "all"), default="quick",
                     help="quick (default; `make test`), proving (`make proving`) or all")


def pytest_configure(config):
    config.addinivalue_line("markers", "proving: a proving-ground suite (process kills, long runs, a browser, "
                                       "PostgreSQL + Redis); runs in `make proving`, not in the quick tier")
    config.addinivalue_line("markers", "scaled: runs in both tiers, a fifth of its size in the quick tier and in "
                                       "full in the proving tier (tests/tiers.py)")
    set_tier(config.getoption("--tier"))


def is_proving(item) -> bool:
    """A test of the proving tier: marked so, or a variant on PostgreSQL or Redis."""
    return item.get_closest_marker("proving") is not None or _on_services(item)


def _on_services(item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return bool(SERVICE_PARAMS & set(map(str, params.values())))


def pytest_collection_modifyitems(config, items):
    tier = config.getoption("--tier")
    if tier == "all":
        return
    keep, drop = [], []
    for item in items:
        both = item.get_closest_marker("scaled") is not None and not _on_services(item)
        (keep if both or is_proving(item) == (tier == "proving") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
