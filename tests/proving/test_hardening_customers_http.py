"""Issue 16, items 1-3 and 11, tried from outside: the app served on a localhost port (behind one trusted proxy, so
each try can come from its own client address), called over HTTP with `requests`. Each try prints its status and
time; docs/reliability.md ("Hardening: policy bounds, customer limits, idempotency, one customer from another")
records them, run with:

    .venv/bin/python -m pytest tests/proving/test_hardening_customers_http.py --tier proving -q -s -p no:cacheprovider
"""
from __future__ import annotations

import collections
import itertools
import re
import resource
import time
from pathlib import Path

import pytest
import requests
from werkzeug.middleware.proxy_fix import ProxyFix

from integration.app import create_app
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.shops.core import issue_api_key
from tests.emulators.server import Served
from tests.orders.test_picture import STORY, replay
from tests.policy.hostile import deep_yaml, many_windows, repeated_alias

pytestmark = pytest.mark.proving   # a served app and hundreds of calls: `make proving`

DOMAIN = "kaolate-demo.myshopify.com"
JANE, SAM = ("1001", "jane.buyer@example.com"), ("1002", "sam.sample@example.com")
CLAIM = {"type": "return", "submitted_at": "2026-05-12T10:00:00-06:00", "reason": "defective",
         "items": [{"line_item_id": "9002", "quantity": 1}], "evidence": {"photos": 2}}


@pytest.fixture()
def served(client, rt, queue, shops, caplog):
    """The shop's orders 1001 (Jane) and 1002 (Sam), its API key, and the app on a port: (base URL, key)."""
    replay(client, rt, queue, "shopify", STORY + ["orders_create__order_1002"])
    with transaction(rt.sessions) as session:
        key = issue_api_key(session.get(Shop, shops["shopify"].id))
    app = create_app({}, rt=rt, enqueue=queue.append, enqueue_action=lambda _id: None)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)   # as RETURNKIT_TRUSTED_PROXIES=1 would
    server = Served(app)
    yield server.url, key
    server.stop()
    assert "Traceback" not in caplog.text   # nothing tried here may reach a 500


def _try(label: str, method, url: str, address: str = "203.0.113.1", **kwargs) -> requests.Response:
    """One call from `address`; prints `label | status | ms`."""
    headers = {"X-Forwarded-For": address, **kwargs.pop("headers", {})}
    started = time.perf_counter()
    response = method(url, headers=headers, timeout=120, allow_redirects=False, **kwargs)
    print(f"| {label} | {response.status_code} | {(time.perf_counter() - started) * 1000:.0f} ms |", flush=True)
    return response


def _batch(label: str, calls) -> collections.Counter:
    """Many calls; prints `label | statuses | total time`."""
    started = time.perf_counter()
    statuses = collections.Counter(call().status_code for call in calls)
    print(f"| {label} | {dict(sorted(statuses.items()))} | {time.perf_counter() - started:.1f} s |", flush=True)
    return statuses


def _variants(text: str):
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    for mask in itertools.count(1):
        yield "".join(c.upper() if i in letters and mask >> letters.index(i) & 1 else c for i, c in enumerate(text))


def test_item1_policy_endpoints_are_bounded_and_anyones_calls_limited(served):
    base, key = served
    auth = {"Authorization": f"Bearer {key}"}
    check, decide = f"{base}/api/v1/policies/check", f"{base}/api/v1/decide"
    own = _try("1 own policy, no key (check)", requests.post, check,
               json={"policy": Path("config/policies/kinectr.yaml").read_text()})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    windows = _try("1 16 windows, 2.7 KB (check, keyed)", requests.post, check, json={"policy": many_windows(16)},
                   headers=auth)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) // 1024
    print(f"| 1 16 windows: peak memory grew by | {grown} MiB | |", flush=True)
    aliases = _try("1 one alias 40,000 times, 280 KB (decide, keyed)", requests.post, decide,
                   json={"policy": repeated_alias(40_000), "case": {}}, headers=auth)
    deep = [_try(f"1 nested 5,000 deep ({name}, keyed)", requests.post, url, headers=auth,
                 json={"policy": deep_yaml(5_000), "case": {}}) for name, url in (("check", check), ("decide", decide))]
    limited = _batch("1 11 preset checks from one address", [lambda: requests.post(
        check, json={"policy": "blank"}, headers={"X-Forwarded-For": "198.51.100.3"}, timeout=30)] * 11)
    assert own.status_code == 401 and own.json()["errors"][0]["field"] == "authorization"
    assert windows.status_code == 200 and windows.json()["not_analysed"][0].startswith("too many windows to analyse")
    assert windows.elapsed.total_seconds() < 1 and grown < 50
    assert aliases.status_code == 400 and aliases.elapsed.total_seconds() < 1
    assert [d.status_code for d in deep] == [400, 400] and all(d.elapsed.total_seconds() < 1 for d in deep)
    assert limited == {200: 10, 429: 1}


def test_item2_email_guessing_is_limited_on_the_canonical_shop_and_order(served):
    base, _key = served
    slugs, browser = _variants(DOMAIN), requests.Session()

    def guess(n: int):
        page = f"{base}/r/{next(slugs)}"
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(page, timeout=30).text)[1]
        return lambda: browser.post(page, data={"csrf_token": token, "order_number": "1001",
                                                "email": f"guess{n}@example.com"}, timeout=30, allow_redirects=False)
    page = _batch("2 150 page guesses, slug case varied", [guess(n) for n in range(150)])
    body = {"shop": DOMAIN, "order_number": "1001", "request": CLAIM}
    api = _batch("2 150 API guesses as a customer, another address", [lambda n=n: requests.post(
        f"{base}/api/v1/requests", json={**body, "email": f"guess{n}@example.com"}, timeout=30,
        headers={"X-Forwarded-For": "198.51.100.20"}) for n in range(150)])
    jane = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', jane.get(f"{base}/r/{DOMAIN}", timeout=30).text)[1]
    real = _try("2 the real customer, another address", jane.post, f"{base}/r/{DOMAIN}", address="203.0.113.50",
                data={"csrf_token": token, "order_number": JANE[0], "email": JANE[1]})
    assert page == {404: 5, 429: 145} and api == {401: 5, 429: 145}
    assert real.status_code == 302


def test_item3_idempotency_keys_are_the_callers_own(served):
    base, _key = served
    url, key = f"{base}/api/v1/requests", {"Idempotency-Key": "order-42"}
    jane_body = {"shop": DOMAIN, "order_number": JANE[0], "email": JANE[1], "request": CLAIM}
    sam_claim = {**CLAIM, "items": [{"line_item_id": "9003", "quantity": 1}]}
    jane = _try("3 Jane, key order-42", requests.post, url, json=jane_body, headers=key)
    sam = _try("3 Sam (same shop), key order-42", requests.post, url, headers=key,
               json={"shop": DOMAIN, "order_number": SAM[0], "email": SAM[1], "request": sam_claim})
    changed = _try("3 Jane, key order-42, another body", requests.post, url, headers=key,
                   json={**jane_body, "request": {**CLAIM, "reason": "wrong_item"}})
    assert (jane.status_code, sam.status_code) == (201, 201)
    assert sam.json()["request_id"] != jane.json()["request_id"]
    assert changed.status_code == 409 and changed.json()["errors"][0]["field"] == "Idempotency-Key"


def _proven(base: str, number: str, email: str, address: str) -> requests.Session:
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = address
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(f"{base}/r/{DOMAIN}", timeout=30).text)[1]
    assert browser.post(f"{base}/r/{DOMAIN}", data={"csrf_token": token, "order_number": number, "email": email},
                        timeout=30, allow_redirects=False).status_code == 302
    return browser


def test_item11_one_customer_reaches_nothing_of_another_in_the_same_shop(served):
    base, _key = served
    jane = _proven(base, *JANE, address="203.0.113.60")
    form = jane.get(f"{base}/r/{DOMAIN}/new", timeout=30).text
    fields = {name: re.search(rf'name="{name}" value="([^"]+)"', form)[1] for name in ("csrf_token", "nonce")}
    created = jane.post(f"{base}/r/{DOMAIN}/new", timeout=30, allow_redirects=False,
                        data={**fields, "type": "return", "qty-9002": "1", "reason": "defective"})
    mine = created.headers["Location"]
    sam = _proven(base, *SAM, address="203.0.113.61")
    token = re.search(r'name="csrf_token" value="([^"]+)"', sam.get(f"{base}/r/{DOMAIN}/new", timeout=30).text)[1]
    shown = _try("11 Sam opens Jane's request page", sam.get, f"{base}{mine}", address="203.0.113.61")
    sent = _try("11 Sam sends evidence to Jane's request", sam.post, f"{base}{mine}/evidence", address="203.0.113.61",
                data={"csrf_token": token, "description": "sam was here"})
    read = _try("11 Sam reads Jane's request from the API", requests.get,
                f"{base}/api/v1/requests/{mine.rsplit('/', 1)[1]}", address="203.0.113.61")
    assert created.status_code == 302 and (shown.status_code, sent.status_code, read.status_code) == (404, 404, 401)
