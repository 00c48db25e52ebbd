"""Browser-test fixtures: one live returnkit (web + worker) and one headless Debian chromium per session,
a fresh page per test, and screenshots under test-artifacts/screenshots/ (one on every failure).

    def test_x(live, page, shot, seeded_shop):
        page.goto(live.login_path(seeded_shop))
        shot("home")
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.browser.live import ROOT, Emulators, start_live
from tests.conftest import TEST_KEY

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
GUIDE_SHOTS = "RETURNKIT_GUIDE_SHOTS"   # a folder: the merchant guide's images are written there too


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def emulators():
    """Shopify, WooCommerce and EasyPost emulators, served for the whole session."""
    served = Emulators().start()
    yield served
    served.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory, emulators):
    """returnkit served by gunicorn with a Huey consumer, on a fresh SQLite database of its own."""
    service = start_live(tmp_path_factory.mktemp("live"), emulators, TEST_KEY)
    yield service
    output = service.stop()
    start = output.find("Traceback")
    assert start < 0, f"the live service logged a traceback:\n{output[max(start - 500, 0):start + 4000]}"


@pytest.fixture(scope="session")
def seeded_shop(live) -> int:
    """The id of a Shopify shop (kaolate policy) whose sample order 5550001 has been delivered and built."""
    return live.seed_shopify_shop()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless (never `playwright install`: it downloads a browser of its own)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium; install it with "
                    "`apt-get install chromium` (as root), which `make test` runs for you")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _artifact_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name).strip("_")


@pytest.fixture()
def shot(request):
    """`shot(step)` saves the current page as test-artifacts/screenshots/<test name>-<step>.png; its path."""
    def save(step: str, page=None) -> Path:
        target = page or request.getfixturevalue("page")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{_artifact_name(request.node.name)}-{_artifact_name(step)}.png"
        target.screenshot(path=str(path), full_page=True)
        return path
    return save


@pytest.fixture()
def guide_shot(request, shot):
    """`guide_shot(name)` is `shot(name)`, and with $RETURNKIT_GUIDE_SHOTS set also writes <folder>/<name>.png: the
    viewport only (or the whole page with full_page=True), the merchant guide's image (docs/merchant-guide.md)."""
    def save(name: str, page=None, full_page: bool = False) -> Path:
        target = page or request.getfixturevalue("page")
        path = shot(name, target)
        folder = os.environ.get(GUIDE_SHOTS)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            target.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)
        return path
    return save


@pytest.fixture()
def page(request, browser, live):
    """A fresh browser context (no cookies) on the live service, desktop-sized; relative URLs work."""
    context = browser.new_context(base_url=live.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            tab.screenshot(path=str(SCREENSHOTS / f"{_artifact_name(request.node.name)}-failure.png"), full_page=True)
        except PlaywrightError:
            pass   # the page itself is what broke; the failure report says how
    context.close()
