"""X-Forwarded-* is trusted only as many hops deep as RETURNKIT_TRUSTED_PROXIES says (default: not at all)."""
import dataclasses

from flask import request

from integration.app import create_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "returnkit.example.com"}


def _seen(rt, trusted: int) -> dict:
    rt = dataclasses.replace(rt, settings=dataclasses.replace(rt.settings, trusted_proxies=trusted))
    app = create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None, enqueue_action=lambda _id: None)
    app.add_url_rule("/seen", "seen", lambda: {"addr": request.remote_addr, "url": request.url_root})
    return app.test_client().get("/seen", headers=FORWARDED).get_json()


def test_forwarded_headers_are_ignored_by_default(rt):
    assert _seen(rt, 0) == {"addr": "127.0.0.1", "url": "http://localhost/"}


def test_one_trusted_proxy_gives_the_clients_address_and_scheme(rt):
    assert _seen(rt, 1) == {"addr": "203.0.113.7", "url": "https://returnkit.example.com/"}
