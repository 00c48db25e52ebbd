"""Issue 16's follow-ups tried from outside over HTTP against returnkit as the Procfile runs it (hardening_live.py):
a shop installed through OAuth has its own Shopify id recorded, so a customers/data_request that names another shop
id, or that carries another topic's body, is refused from the first delivery; and install starts are rate limited
per client address and per shop, so a flood of `GET /auth?shop=...` gets 429 and writes no more rows.

    .venv/bin/python -m pytest tests/proving/test_hardening_installs_http.py --tier proving -q -s -p no:cacheprovider
prints each test's figures (docs/reliability.md, "Hardening (issue 16)")."""
from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from integration.db.models import ComplianceExport, PendingInstall, Shop, WebhookDelivery
from integration.inbox.topic_checks import PLATFORM_ID
from tests.proving.hardening_live import APP_SECRET, SHOPIFY_DOMAIN
from tests.proving.test_hardening_http import _figure, _row, live  # noqa: F401  (a live service of this module's own)
from tests.webhook_helpers import load_fixture, signed_headers

pytestmark = pytest.mark.proving   # a live service in processes of its own: `make proving`


def _install_through_oauth(live) -> requests.Response:
    """/auth, the emulator's authorize page, /auth/callback: the merchant's browser, over HTTP only."""
    browser = requests.Session()
    begin = browser.get(f"{live.url}/auth?shop={SHOPIFY_DOMAIN}", allow_redirects=False, timeout=10)
    assert begin.status_code == 302, begin.text
    authorize = browser.get(begin.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(authorize.headers["Location"])
    return browser.get(f"{live.url}{back.path}?{back.query}", allow_redirects=False, timeout=30)


def _deliver(live, topic: str, payload: dict) -> WebhookDelivery:
    """A delivery signed with the app's secret, as Shopify signs every shop's; the inbox row once processed."""
    body = json.dumps(payload).encode()
    headers = {**signed_headers("shopify", topic, body, APP_SECRET), "Content-Type": "application/json"}
    answer = requests.post(f"{live.url}/webhooks/shopify", data=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return _row(live, answer.json()["delivery"])


def test_item2_a_data_request_for_another_shop_or_topic_is_refused_from_the_first_delivery(live):
    assert _install_through_oauth(live).status_code == 302
    with live.rt.sessions() as session:
        assert session.get(Shop, live.shop_ids["shopify"]).settings[PLATFORM_ID] == "8880001"   # the emulator's
    request = load_fixture("shopify", "customers_data_request")
    tries = {"another shop id": {**request, "shop_id": 1234}, "customers/redact body": load_fixture(
        "shopify", "customers_redact"), "genuine": request}
    rows = {label: _deliver(live, "customers/data_request", payload) for label, payload in tries.items()}
    statuses = {label: (row.status, row.error) for label, row in rows.items()}
    assert [status for status, _error in statuses.values()] == ["refused", "refused", "processed"], statuses
    with live.rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ComplianceExport)) == 1   # the genuine one's
    _figure("item2 data_request", **{label: status for label, (status, _error) in statuses.items()})


def _start(live, browser: requests.Session, shop: str) -> requests.Response:
    return browser.get(f"{live.url}/auth", params={"shop": shop}, allow_redirects=False, timeout=10)


def test_item3_install_starts_are_limited_per_shop_and_per_address(live):
    with live.rt.sessions() as session:
        before = session.scalar(select(func.count()).select_from(PendingInstall))
    browser, started = requests.Session(), time.perf_counter()
    typed = ["flood-shop.myshopify.com", "FLOOD-SHOP.myshopify.com", "https://flood-shop.myshopify.com/admin"]
    one_shop = [_start(live, browser, typed[n % 3]) for n in range(8)]
    many = [_start(live, browser, f"flood-{n}.myshopify.com") for n in range(300)]
    seconds = time.perf_counter() - started
    with live.rt.sessions() as session:
        written = session.scalar(select(func.count()).select_from(PendingInstall)) - before
    statuses = [a.status_code for a in one_shop + many]
    assert set(statuses) == {302, 429} and written == statuses.count(302)
    assert [a.status_code for a in one_shop] == [302] * 5 + [429] * 3   # one shop, however typed
    refused = [a for a in one_shop + many if a.status_code == 429]
    assert all(0 < int(a.headers["Retry-After"]) <= 60 for a in refused)
    _figure("item3 install starts", one_shop={"302": 5, "429": 3}, from_one_address=len(statuses),
            redirected=statuses.count(302), refused=len(refused), rows_written=written,
            retry_after=refused[-1].headers["Retry-After"], ms_per_start=round(seconds * 1000 / len(statuses), 1))
