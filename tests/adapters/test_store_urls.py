"""SSRF: store URLs that must never be called, public ones that must, and a store that redirects inward."""
from __future__ import annotations

import socket

import pytest
from flask import Flask, redirect, request
from urllib3.util.connection import create_connection

from adapters.http import PlatformError
from adapters.woocommerce.client import WooCommerceClient
from adapters.store_session import AddressGuard, StoreSession
from adapters.store_urls import StoreUrlError, check_store_url
from tests.emulators.server import Served

PUBLIC_V4, PUBLIC_V6 = "93.184.216.34", "2606:4700::1111"
DNS = {"shop.example.com": [PUBLIC_V4], "www.shop.example.com": [PUBLIC_V4, PUBLIC_V6],
       "xn--bcher-kva.example": [PUBLIC_V4], "internal.corp.example": ["10.1.2.3"],
       "rebind.example": [PUBLIC_V4, "127.0.0.1"], "metadata.example": ["169.254.169.254"],
       "v6-local.example": ["::1"], "127.0.0.1.nip.io": ["127.0.0.1"], "cgnat.example": ["100.64.1.1"],
       "mapped.example": ["::ffff:10.0.0.1"], "empty.example": []}


def fake_resolver(host: str) -> list[str]:
    if host not in DNS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return DNS[host]


BYPASSES = [
    ("ftp://shop.example.com/", "scheme 'ftp'"), ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://shop.example.com:70/_x", "scheme 'gopher'"), ("dict://shop.example.com:11211/", "scheme 'dict'"),
    ("http://shop.example.com", "not https"), ("https://user:pass@shop.example.com", "user name or password"),
    ("https://shop.example.com@127.0.0.1", "user name or password"), ("https://shop.example.com:8443", "port 8443"),
    ("https://shop.example.com:22", "port 22"), ("https://shop.example.com:99999", "port is not a number"),
    ("https://127.0.0.1", "loopback"), ("https://127.1", "integer, octal, hex"),
    ("https://2130706433", "integer, octal, hex"), ("https://0x7f000001", "integer, octal, hex"),
    ("https://0177.0.0.1", "integer, octal, hex"), ("https://0x7f.0.0.1", "integer, octal, hex"),
    ("https://017700000001", "integer, octal, hex"), ("https://127.000.000.001", "integer, octal, hex"),
    ("https://[::1]", "loopback"), ("https://[::ffff:127.0.0.1]", "IPv4-mapped"),
    ("https://[::ffff:7f00:1]", "IPv4-mapped"), ("https://[::127.0.0.1]", "IPv4-compatible"),
    ("https://[::]", "unspecified"), ("https://[fd00::1]", "private"), ("https://[fc00::1]", "private"),
    ("https://[fe80::1]", "link-local"), ("https://[fe80::1%25eth0]", "zone id"),
    ("https://[2002:7f00:1::]", "embeds 127.0.0.1 (6to4)"), ("https://[2002:a9fe:a9fe::]", "cloud metadata"),
    ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "Teredo"), ("https://[64:ff9b::a9fe:a9fe]", "NAT64"),
    ("https://169.254.169.254/latest/meta-data", "cloud metadata"), ("https://[::ffff:169.254.169.254]", "IPv4-mapped"),
    ("https://169.254.10.10", "link-local"), ("https://10.0.0.1", "private"), ("https://172.16.0.1", "private"),
    ("https://192.168.1.1", "private"), ("https://100.64.0.1", "carrier-grade NAT"), ("https://0.0.0.0", "unspecified"),
    ("https://224.0.0.1", "multicast"), ("https://240.0.0.1", "reserved"), ("https://192.0.2.1", "private"),
    ("https://localhost", "single label"), ("https://localhost.", "trailing dot"),
    ("https://shop.example.com.", "trailing dot"), ("https://internal.corp.example", "10.1.2.3 is a private"),
    ("https://rebind.example", "127.0.0.1 is a loopback"), ("https://metadata.example", "cloud metadata"),
    ("https://v6-local.example", "::1 is a loopback"), ("https://127.0.0.1.nip.io", "loopback"),
    ("https://cgnat.example", "carrier-grade NAT"), ("https://mapped.example", "IPv4-mapped"),
    ("https://empty.example", "no addresses"), ("https://nowhere.example", "does not resolve"),
    ("https://１２７.０.０.１", "not ASCII"), ("https://ⓛocalhost.example", "not ASCII"),
    ("https://shop.example.com\\@127.0.0.1", "backslashes"), ("https://shop example.com", "spaces"),
    ("https://shop.example.com/?next=http://127.0.0.1", "query or fragment"),
    ("https://shop.example.com/#@127.0.0.1", "query or fragment"), ("https://[::1", "not a URL"),
    ("https://-bad-.example.com", "not a valid DNS name"), ("https://%31%32%37.0.0.1", "percent-encoding"),
    ("", "empty"),
]


@pytest.mark.parametrize("url, reason", BYPASSES, ids=[u or "empty" for u, _ in BYPASSES])
def test_a_bypass_url_is_refused_with_its_reason(url, reason):
    with pytest.raises(StoreUrlError) as refused:
        check_store_url(url, fake_resolver)
    message = str(refused.value)
    assert message.startswith("store_url: ") and reason in message, message


def test_the_corpus_is_large():
    assert len(BYPASSES) >= 50


@pytest.mark.parametrize("url, canonical", [
    ("https://shop.example.com", "https://shop.example.com"), ("shop.example.com/", "https://shop.example.com"),
    ("https://SHOP.Example.com/store/", "https://shop.example.com/store"),
    ("https://shop.example.com:443", "https://shop.example.com:443"),
    ("https://www.shop.example.com", "https://www.shop.example.com"),
    ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    ("https://8.8.8.8", "https://8.8.8.8"), (f"https://[{PUBLIC_V6}]", f"https://[{PUBLIC_V6}]"),
])
def test_a_public_store_url_is_accepted(url, canonical):
    assert check_store_url(url, fake_resolver) == canonical


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:5000/shop", "https://10.0.0.5"])
def test_the_development_flag_allows_private_stores(url):
    assert check_store_url(url, fake_resolver if "localhost" not in url else (lambda h: ["127.0.0.1"]),
                           allow_private=True)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "https://user@127.0.0.1", "https://0x7f000001"])
def test_the_development_flag_still_refuses_odd_forms(url):
    with pytest.raises(StoreUrlError):
        check_store_url(url, fake_resolver, allow_private=True)


@pytest.fixture()
def redirecting_store():
    """A 'public' store (a fake network routes its address to localhost) that redirects where told."""
    app = Flask("redirecting-store")
    seen = []

    @app.route("/<path:path>", methods=["GET", "POST"])
    def anything(path):
        seen.append(path)
        return redirect(request.args["to"], code=302)

    served = Served(app)
    port = served.server.server_port

    def connect(address, *args, **kwargs):
        assert address[0] == PUBLIC_V4, f"tried to connect to {address}"   # only the checked address
        return create_connection(("127.0.0.1", port), *args, **kwargs)

    yield StoreSession(AddressGuard(allow_private=False, resolver=fake_resolver, connect=connect)), seen
    served.stop()


@pytest.mark.parametrize("target", ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                                    "http://[::1]:8080/", "https://rebind.example/", "http://0x7f000001/",
                                    "http://internal.corp.example/admin", "http://localhost/"])
def test_a_redirect_to_a_non_public_address_is_refused(redirecting_store, target):
    session, seen = redirecting_store
    with pytest.raises(StoreUrlError) as refused:
        session.get("http://shop.example.com/wp-json/wc/v3/orders", params={"to": target}, timeout=5)
    assert "redirected to a non-public address" in str(refused.value)
    assert seen == ["wp-json/wc/v3/orders"]     # the first hop only


def test_a_redirect_to_a_public_address_is_not_followed_either(redirecting_store):
    session, seen = redirecting_store
    with pytest.raises(StoreUrlError) as refused:
        session.get("http://shop.example.com/x", params={"to": "https://www.shop.example.com/x"}, timeout=5)
    assert "does not follow redirects" in str(refused.value) and seen == ["x"]


def test_the_woocommerce_client_reports_a_refused_redirect_as_a_permanent_error(redirecting_store):
    session, _ = redirecting_store
    client = WooCommerceClient("http://shop.example.com", "ck", "cs", 5, session)
    with pytest.raises(PlatformError) as failed:
        client.get("orders", params={"to": "http://169.254.169.254/"})
    assert not failed.value.retryable and "non-public address" in str(failed.value)


def test_dns_rebinding_after_the_check_is_caught_at_connect_time():
    answers = iter([[PUBLIC_V4], ["127.0.0.1"]])
    resolver = lambda host: next(answers)   # noqa: E731  public when checked, loopback when connecting
    assert check_store_url("https://flip.example", resolver) == "https://flip.example"
    session = StoreSession(AddressGuard(resolver=resolver))
    with pytest.raises(StoreUrlError, match="127.0.0.1 is a loopback address"):
        session.get("https://flip.example/", timeout=5)


def test_proxies_from_the_environment_are_ignored(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    session = StoreSession(AddressGuard(resolver=fake_resolver))
    with pytest.raises(StoreUrlError, match="loopback"):
        session.get("https://v6-local.example/", timeout=5)
