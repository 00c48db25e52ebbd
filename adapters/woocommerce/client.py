"""WooCommerce REST v3 client (the `woocommerce` package); every call has a timeout."""
from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth
from woocommerce import API

from adapters.http import PlatformError, platform_call
from adapters.woocommerce.parse import parse_product
from adapters.woocommerce.product_looks import variation_looks
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


# A collection's paging, as WordPress sends it: X-WP-Total (every record the query matched) and X-WP-TotalPages
# (the pages holding them at this per_page), https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/
# A page may hold fewer records than per_page with more pages to come: WooCommerce's CRUD controllers drop the
# records the key's user may not read after counting them (WC_REST_CRUD_Controller::get_items), so a short page
# is not the last one; X-WP-TotalPages is. An order's notes are not paged at all (WC_REST_Order_Notes_V2_Controller::
# get_items answers every note at once, without page parameters or headers): they are read with one `get`.
PER_PAGE = 100    # the most WordPress lists a page (asked for none, it gives 10)
VARIATION_PAGES = 5   # a product's variations read for their titles: past 500 the rest keep their SKUs


@dataclass(frozen=True)
class Page:
    """One page of a REST collection, with X-WP-Total and X-WP-TotalPages (None when the answer has none)."""
    items: list
    total: int | None
    total_pages: int | None


def _header_count(headers, name: str) -> int | None:
    value = str(headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def _last_page(page: Page, number: int, per_page: int) -> bool:
    """Whether page `number` is the collection's last: by X-WP-TotalPages, or without it (a proxy that strips
    headers) by a short page."""
    if page.total_pages is not None:
        return number >= page.total_pages
    return len(page.items) < per_page


class WooCommerceClient:
    def __init__(self, store_url: str, consumer_key: str, consumer_secret: str, timeout: float,
                 session: StoreSession | None = None):
        self.session = session or store_session()
        self.api = SessionAPI(url=store_url, consumer_key=consumer_key, consumer_secret=consumer_secret,
                              session=self.session, version="wc/v3", timeout=timeout)

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None):
        return self._exchange(method, path, body, params)[0]

    def _exchange(self, method: str, path: str, body: dict | None, params: dict | None) -> tuple:
        """The answer's JSON (None on a 404 to a GET or DELETE) and its headers."""
        with platform_call("woocommerce", f"{method} {_resource(path)}"):
            response = self._send(method, path, body, params)
            return (None, {}) if response is None else (response.json(), response.headers)

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
        return response

    def get(self, path: str, params: dict | None = None):
        """GET a REST resource; None on 404."""
        return self._call("get", path, params=params)

    def get_page(self, path: str, params: dict | None = None) -> Page | None:
        """GET one page of a REST collection with its paging headers; None on 404."""
        items, headers = self._exchange("get", path, None, params)
        if items is None:
            return None
        return Page(items or [], _header_count(headers, "X-WP-Total"), _header_count(headers, "X-WP-TotalPages"))

    def pages(self, path: str, params: dict | None = None, max_pages: int | None = None) -> Iterator[list]:
        """Every page of a collection, PER_PAGE at a time, until X-WP-TotalPages says it is the last."""
        for number in itertools.count(1):
            if max_pages is not None and number > max_pages:
                raise PlatformError(f"woocommerce: {_resource(path)} lists more than {max_pages * PER_PAGE} records",
                                    retryable=False)
            page = self.get_page(path, {**(params or {}), "per_page": PER_PAGE, "page": number})
            if page is None:
                return
            yield page.items
            if _last_page(page, number, PER_PAGE):
                return

    def get_all(self, path: str, params: dict | None = None, max_pages: int | None = None) -> list:
        """Every record of a collection, read page by page (see `pages`)."""
        return [item for items in self.pages(path, params, max_pages) for item in items]

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
        """The product's tags, categories, shipping, picture and variations' titles, for the product cache."""
        payload = self.get(f"products/{product_id}")
        if not payload:
            return None
        seen = parse_product(payload)[0]
        if not payload.get("variations"):
            return seen
        pages = itertools.islice(self.pages(f"products/{product_id}/variations"), VARIATION_PAGES)
        variations = [variation for page in pages for variation in page]
        # The product itself is one of its variants (an order line may name it): its look is the product's picture.
        return dataclasses.replace(seen, looks=((seen.product_id, None, seen.image_url), *variation_looks(variations)))


def client_for(shop, timeout: float) -> WooCommerceClient | None:
    """A client for the shop, or None without consumer keys; it reaches public addresses only, unless the
    development flag is on or the operator pointed the shop at an API base URL (`shops add --api-base-url`)."""
    if not (shop.consumer_key and shop.consumer_secret):
        return None
    # The process's flag: PlatformAdapter.client(shop, timeout) does not carry its caller's settings yet.
    allow_private = process_settings().allow_private_store_urls or bool(shop.api_base_url)
    return WooCommerceClient(shop.api_base_url or shop.domain, shop.consumer_key, shop.consumer_secret, timeout,
                             store_session(allow_private))
