"""The WooCommerce client sends the `woocommerce` package's own requests through the store's guarded session."""
from __future__ import annotations

import subprocess
import sys

import pytest
import woocommerce.api
import woocommerce.oauth

from adapters.http import PlatformError
from adapters.store_session import AddressGuard, StoreSession
from adapters.woocommerce.client import SessionAPI, WooCommerceClient

CALLS = [("get", ("orders",), {"params": {"per_page": 100, "status": "processing"}}),
         ("get", ("products/7",), {}),
         ("post", ("orders/7/refunds", {"amount": "5.00", "reason": "Défaut"}), {}),
         ("put", ("orders/7", {"status": "cancelled"}), {"params": {"force": True}}),
         ("delete", ("webhooks/3",), {"params": {"force": True}})]
STORES = [("https://shop.example.com", {}), ("https://shop.example.com/", {"query_string_auth": True}),
          ("http://localhost:8080", {})]


class Answer:
    status_code, headers = 200, {}

    def json(self):
        return {"id": 7}


class Recorder:
    """Stands in for requests.request and for a Session: records each call's arguments."""

    def __init__(self):
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return Answer()

    request = __call__


def test_importing_the_client_leaves_the_package_alone():
    code = ("import requests, woocommerce.api; import adapters.woocommerce.client; "
            "assert woocommerce.api.request is requests.request, woocommerce.api.request")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert woocommerce.api.request.__module__ == "requests.api"


@pytest.mark.parametrize("url, options", STORES)
def test_it_sends_what_the_package_would(monkeypatch, url, options):
    monkeypatch.setattr(woocommerce.api, "time", lambda: 1_700_000_000)
    monkeypatch.setattr(woocommerce.oauth.OAuth, "generate_nonce", staticmethod(lambda: "fixed-nonce"))
    package, ours = Recorder(), Recorder()
    monkeypatch.setattr(woocommerce.api, "request", package)
    settings = {"version": "wc/v3", "timeout": 7, **options}
    for method, args, kwargs in CALLS:
        fresh = {key: dict(value) for key, value in kwargs.items()}   # the package adds its keys to params
        getattr(woocommerce.api.API(url, "ck_1", "cs_1", **settings), method)(*args, **fresh)
        fresh = {key: dict(value) for key, value in kwargs.items()}
        assert isinstance(getattr(SessionAPI(url, "ck_1", "cs_1", ours, **settings), method)(*args, **fresh), Answer)
    assert ours.calls == package.calls and all(call["timeout"] == 7 for call in ours.calls)


def test_every_call_goes_through_the_clients_session_with_its_timeout():
    session = Recorder()
    client = WooCommerceClient("https://shop.example.com", "ck", "cs", 4.5, session)
    assert client.get("orders", params={"page": 2}) == {"id": 7}
    [call] = session.calls
    assert client.api.session is session and call["timeout"] == 4.5 and call["params"] == {"page": 2}
    assert call["url"] == "https://shop.example.com/wp-json/wc/v3/orders"


def test_the_guard_refuses_a_private_store_address_before_connecting():
    connected = []
    guard = AddressGuard(connect=lambda *args, **kwargs: connected.append(args))
    client = WooCommerceClient("http://127.0.0.1:8080", "ck", "cs", 5, StoreSession(guard))
    with pytest.raises(PlatformError) as failed:
        client.get("orders")
    assert not failed.value.retryable and "loopback" in str(failed.value) and connected == []
