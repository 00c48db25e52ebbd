"""WooCommerce REST v3 client (the `woocommerce` package); every call has a timeout."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth
from woocommerce import API

from adapters.http import PlatformError, platform_call
from adapters.woocommerce.parse import parse_product
from integration.domain import events as ev
from adapters.store_session import StoreSession, store_session
from adapters.store_urls import StoreUrlError
from integration.runtime import process_settings


class SessionAPI(API):
    """The package's API object, sending through the Session it is given instead of requests.request."""

    def __init__(self, url: str, consumer_key: str, consumer_secret: str, session: requests.Session, **kwargs):
        super().__init__(url, consumer_key, consumer_secret, **kwargs)
        self.session = session

    # The package builds and sends each request in one private method (API.__request) with the module-level
    # requests.request, so this overrides it: woocommerce 3.0.0's method, with the package's own URL and
    # OAuth 1.0a helpers, sending through the session. tests/adapters/test_woocommerce_client.py checks
    # that it sends what the package would, so a release that changes the method is noticed.
    def _API__request(self, method, endpoint, data, params=None, **kwargs):
        """The package's request for `endpoint`, sent through self.session."""
        params = {} if params is None else params
        url, auth = self._API__get_url(endpoint), None
        headers = {"user-agent": f"{self.user_agent}", "accept": "application/json"}
        if self.is_ssl is True and self.query_string_auth is False:
            auth = HTTPBasicAuth(self.consumer_key, self.consumer_secret)
        elif self.is_ssl is True and self.query_string_auth is True:
            params.update({"consumer_key": self.consumer_key, "consumer_secret": self.consumer_secret})
        else:
            url = self._API__get_oauth_url(f"{url}?{urlencode(params)}", method, **kwargs)
        if data is not None:
            data = json.dumps(data, ensure_ascii=False).encode("utf-8")
            headers["content-type"] = "application/json;charset=utf-8"
        return self.session.request(method=method, url=url, verify=self.verify_ssl, auth=auth, params=params,
                                    data=data, timeout=self.timeout, headers=headers, **kwargs)


def _error(response) -> tuple[str | None, str | None]:
    """The REST error's code and message (WP_Error as JSON: {"code", "message", "data"}), when it has them."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("code"), body.get("message")
    return (code if isinstance(code, str) else None), (message[:300] if isinstance(message, str) else None)


def _resource(path: str) -> str:
    """The REST path with its ids taken out ("orders/:id/refunds"), so the metric's labels stay few."""
    return re.sub(r"/\d+", "/:id", path.strip("/"))


class WooCommerceClient:
    def __init__(self, store_url: str, consumer_key: str, consumer_secret: str, timeout: float,
                 session: StoreSession | None = None):
        self.session = session or store_session()
        self.api = SessionAPI(url=store_url, consumer_key=consumer_key, consumer_secret=consumer_secret,
                              session=self.session, version="wc/v3", timeout=timeout)

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None):
        with platform_call("woocommerce", f"{method} {_resource(path)}"):
            return self._send(method, path, body, params)

    def _send(self, method: str, path: str, body: dict | None, params: dict | None):
        send = getattr(self.api, method)
        options = {"params": params} if params else {}
        try:
            response = send(path, body, **options) if body is not None else send(path, **options)
        except StoreUrlError as exc:
            raise PlatformError(f"woocommerce: {exc}", retryable=False) from None
        except requests.RequestException as exc:
            raise PlatformError(f"woocommerce: {type(exc).__name__}", retryable=True) from None
        if response.status_code == 404 and method in ("get", "delete"):
            return None
        if response.status_code >= 400:
            retry_after = response.headers.get("Retry-After")
            code, detail = _error(response)
            raise PlatformError(f"woocommerce: HTTP {response.status_code}", response.status_code,
                                retryable=response.status_code in (429, 500, 502, 503, 504),
                                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
                                code=code, detail=detail)
        return response.json()

    def get(self, path: str, params: dict | None = None):
        """GET a REST resource; None on 404."""
        return self._call("get", path, params=params)

    def post(self, path: str, body: dict):
        """POST to a REST resource."""
        return self._call("post", path, body)

    def put(self, path: str, body: dict):
        """PUT to a REST resource."""
        return self._call("put", path, body)

    def delete(self, path: str, params: dict | None = None):
        """DELETE a REST resource; None on 404."""
        return self._call("delete", path, params=params)

    def fetch_product(self, product_id: str) -> ev.ProductSeen | None:
        """The product's tags, categories and shipping, for the product cache."""
        payload = self.get(f"products/{product_id}")
        return parse_product(payload)[0] if payload else None


def client_for(shop, timeout: float) -> WooCommerceClient | None:
    """A client for the shop, or None without consumer keys; it reaches public addresses only, unless the
    development flag is on or the operator pointed the shop at an API base URL (`shops add --api-base-url`)."""
    if not (shop.consumer_key and shop.consumer_secret):
        return None
    # The process's flag: PlatformAdapter.client(shop, timeout) does not carry its caller's settings yet.
    allow_private = process_settings().allow_private_store_urls or bool(shop.api_base_url)
    return WooCommerceClient(shop.api_base_url or shop.domain, shop.consumer_key, shop.consumer_secret, timeout,
                             store_session(allow_private))
