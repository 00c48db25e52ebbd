"""Issue 16, items 4 to 9, tried from outside over HTTP against returnkit as the Procfile runs it (gunicorn with its
config and access log, a worker, SQLite): framing headers, signed bodies replayed under other topics, body limits
with and without chunking, sign-in links and sign-out, unknown-shop floods, and the files' modes.

    .venv/bin/python -m pytest tests/proving/test_hardening_http.py --tier proving -q -s
prints each test's figures (docs/reliability.md, "Hardening (issue 16)")."""
from __future__ import annotations

import json
import os
import stat
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import PendingInstall, Shop, WebhookDelivery
from integration.shops.housekeeping import purge_expired
from tests.proving.hardening_live import SHOPIFY_DOMAIN, TOKEN, rss_kib, start_live, wait_until
from tests.webhook_helpers import load_fixture, signed_headers

pytestmark = pytest.mark.proving   # a live service in processes of its own: `make proving`

MIB = 1024 * 1024
ADMIN_ONLY = f"frame-ancestors https://{SHOPIFY_DOMAIN} https://admin.shopify.com"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = start_live(tmp_path_factory.mktemp("hardening"))
    yield service
    service.stop()
    assert "Traceback" not in service.log(), service.log()[-4000:]


def _figure(name: str, **values) -> None:
    print(f"\nFIGURE {name}: {json.dumps(values)}")


def _post(live, topic: str, body: bytes, platform: str = "shopify", **headers):
    signed = {**signed_headers(platform, topic, body), "Content-Type": "application/json", **headers}
    return requests.post(f"{live.url}/webhooks/{platform}", data=body, headers=signed, timeout=30)


def _row(live, delivery_id: int) -> WebhookDelivery:
    def done():
        with live.rt.sessions() as session:
            row = session.get(WebhookDelivery, delivery_id)
            return row if row is not None and row.status != "received" else None
    return wait_until(done, 30, f"the worker to process delivery {delivery_id}")


def test_item4_pages_may_be_framed_only_by_the_shops_own_admin(live):
    browser = requests.Session()
    assert browser.get(f"{live.url}/app/signed-out", timeout=5).headers["Content-Security-Policy"] == \
        "frame-ancestors 'none'"
    home = browser.get(live.url + live.login_path("shopify"), timeout=5)
    assert home.url.endswith("/app/") and home.headers["Content-Security-Policy"] == ADMIN_ONLY
    woo = requests.Session()
    assert woo.get(live.url + live.login_path("woocommerce"), timeout=5).headers["Content-Security-Policy"] == \
        "frame-ancestors 'none'"
    page = requests.get(f"{live.url}/r/{SHOPIFY_DOMAIN}", timeout=5)
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert page.headers["X-Frame-Options"] == "DENY"
    _figure("item4", signed_out="'none'", shopify_home=ADMIN_ONLY, woocommerce_home="'none'", customer_page="'none'")


def test_item5_a_signed_body_replayed_under_another_topic_changes_nothing(live):
    body = json.dumps(load_fixture("shopify", "products_update")).encode()
    statuses = {}
    for topic in ("app/uninstalled", "shop/redact"):
        response = _post(live, topic, body)
        assert response.status_code == 200, response.text
        row = _row(live, response.json()["delivery"])
        statuses[topic] = (row.status, row.error)
    uninstall = json.dumps(load_fixture("shopify", "app_uninstalled")).encode()
    row = _row(live, _post(live, "app/uninstalled", uninstall).json()["delivery"])
    statuses["app/uninstalled (token still works)"] = (row.status, row.error)
    with live.rt.sessions() as session:
        shop = session.get(Shop, live.shop_ids["shopify"])
        assert (shop.status, shop.api_token) == ("active", TOKEN)
    assert {status for status, _ in statuses.values()} == {"refused"}, statuses
    assert '"event": "inbox.topic-refused"' in live.log().replace('":"', '": "')
    _figure("item5", **{topic: status for topic, (status, _error) in statuses.items()})


def _chunks(body: bytes, size: int = 64 * 1024):
    for start in range(0, len(body), size):
        yield body[start:start + size]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_item6_the_two_mebibyte_limit_holds_chunked_or_not(live, platform):
    topic = "products/update" if platform == "shopify" else "product.updated"
    answers = {}
    for size in (1_500_000, 3 * MIB):
        body = json.dumps({"id": 7001 + size, "title": "tee", "pad": "x" * size}).encode()
        headers = {**signed_headers(platform, topic, body), "Content-Type": "application/json"}
        for chunked in (False, True):
            started = time.perf_counter()
            response = requests.post(f"{live.url}/webhooks/{platform}", data=_chunks(body) if chunked else body,
                                     headers=headers, timeout=30)
            answers[f"{size} bytes {'chunked' if chunked else 'content-length'}"] = (
                response.status_code, round((time.perf_counter() - started) * 1000))
            if size > 2 * MIB:
                assert "2097152 bytes (2 MiB)" in response.json()["error"]
    assert [status for status, _ms in answers.values()] == [200, 200, 413, 413], answers
    _figure(f"item6 {platform}", **{k: {"status": s, "ms": ms} for k, (s, ms) in answers.items()})


def test_item7_a_link_signs_in_once_secrets_stay_out_of_the_access_log_and_sign_out_holds(live):
    link = live.url + live.login_path("shopify")
    browser = requests.Session()
    assert browser.get(link, timeout=5).url.endswith("/app/")
    again = requests.get(link, timeout=5)
    assert again.status_code == 401 and "used already" in again.text
    secrets = ["c0de-from-shopify", "d1gest-hmac", "n0nce-state", "eyJ.id-token.sig", "s3ssion-id"]
    requests.get(f"{live.url}/auth/callback?code={secrets[0]}&hmac={secrets[1]}&shop={SHOPIFY_DOMAIN}"
                 f"&state={secrets[2]}&timestamp=1", timeout=5)
    requests.get(f"{live.url}/app/?embedded=1&id_token={secrets[3]}&session={secrets[4]}&shop={SHOPIFY_DOMAIN}",
                 timeout=5)
    copied = browser.cookies.get("returnkit_session")
    token = _csrf(browser.get(f"{live.url}/app/", timeout=5).text)
    assert browser.post(f"{live.url}/app/logout", data={"csrf_token": token}, timeout=5).url.endswith("/signed-out")
    thief = requests.Session()
    thief.cookies.set("returnkit_session", copied)
    assert thief.get(f"{live.url}/app/", timeout=5).url.endswith("/app/signed-out")
    log = wait_until(lambda: live.log() if "/app/logout" in live.log() else None, 10, "the access log")
    access = [line for line in log.splitlines() if '"http.access"' in line]
    token_part = link.rsplit("/", 1)[1]
    assert [s for s in secrets + [token_part] if s in log] == [], "a credential reached the log"
    _figure("item7", second_use=again.status_code, copied_cookie_after_sign_out="signed-out",
            access_lines=len(access), credentials_in_log=0)


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_item8_unknown_shop_floods_and_install_floods_stay_bounded(live):
    worker = live.web_worker_pid()
    body = b'{"id": 1}'
    session = requests.Session()
    for n in range(100):   # warm up: the worker's first requests allocate what every later one reuses
        session.post(f"{live.url}/webhooks/shopify", data=body, headers=_unknown(n, body), timeout=10)
    before = rss_kib(worker)
    for n in range(100, 1_600):
        assert session.post(f"{live.url}/webhooks/shopify", data=body, headers=_unknown(n, body),
                            timeout=10).status_code == 404
    grown = rss_kib(worker) - before
    # One address is held to its install-start limit (test_hardening_installs_http.py): the rest are 429, no row.
    starts = [session.get(f"{live.url}/auth?shop=flood-{n}.myshopify.com", allow_redirects=False,
                          timeout=10).status_code for n in range(300)]
    with transaction(live.rt.sessions) as db:
        stored = db.scalar(select(func.count()).select_from(PendingInstall))
        purged = purge_expired(db, utcnow() + timedelta(seconds=live.rt.settings.shopify_state_ttl + 1))
    _figure("item8", unknown_7kb_headers=1_500, web_worker_rss_growth_kib=grown, pending_installs=stored,
            install_starts_refused=starts.count(429), purged=purged["pending_installs"])
    assert grown < 4 * 1024, f"the web worker grew by {grown} KiB for 1,500 unknown shop headers"
    assert set(starts) == {302, 429} and stored == starts.count(302) and purged["pending_installs"] == stored


def _unknown(n: int, body: bytes) -> dict:
    return signed_headers("shopify", "products/update", body, X_Shopify_Shop_Domain=f"{n}-{'a' * 7_000}.myshopify.com")


def test_item9_the_database_and_its_wal_are_private(live):
    modes = {p.name: oct(stat.S_IMODE(os.stat(p).st_mode)) for p in live.data_dir.iterdir()
             if p.name.startswith("returnkit.sqlite3")}
    assert {"returnkit.sqlite3", "returnkit.sqlite3-wal"} <= set(modes), modes
    assert set(modes.values()) == {"0o600"}, modes
    _figure("item9", **modes)
