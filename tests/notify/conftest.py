"""Notification fixtures: a runtime that may post to localhost, and a webhook receiver there."""
from __future__ import annotations

import pytest

from integration.runtime import build_runtime
from integration.settings import load_settings
from tests.conftest import TEST_KEY
from tests.notify.helpers import MAX_ATTEMPTS, Receiver


@pytest.fixture()
def rt(database_url, tmp_path):
    """The test runtime, allowed to post to localhost (the receiver), with a short timeout and few attempts."""
    settings = load_settings({"DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"),
                              "RETURNKIT_SECRET_KEY": TEST_KEY, "RETURNKIT_ALLOW_PRIVATE_STORE_URLS": "1",
                              "RETURNKIT_HTTP_TIMEOUT": "0.5", "RETURNKIT_DRAIN_MAX_SECONDS": "30",
                              "RETURNKIT_MESSAGE_MAX_ATTEMPTS": str(MAX_ATTEMPTS)})
    runtime = build_runtime(settings)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture()
def receiver():
    running = Receiver()
    yield running
    running.close()
