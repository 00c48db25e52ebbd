"""The only way returnkit talks to a store: a requests Session that checks addresses at connect time.

Checking a URL once when the merchant types it is not enough: DNS can answer differently a second
later (rebinding), and a store can answer with a redirect to an internal address. So every
connection resolves the host again, refuses unless every address is public, and connects to an
address it has just checked; redirects are never followed; proxies from the environment are ignored.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.util import connection as urllib3_connection

from adapters.store_urls import Resolver, StoreUrlError, public_addresses, system_resolver


class AddressGuard:
    """Where a connection to a store may go: public addresses only, unless `allow_private`."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver,
                 connect=urllib3_connection.create_connection):
        self.allow_private = allow_private
        self.resolver = resolver
        self.connect = connect   # a test can stand in for the network here

    def addresses(self, host: str) -> list[str]:
        """The checked addresses for `host` (raises StoreUrlError)."""
        return public_addresses(host, self.resolver, self.allow_private)


class _GuardedConnection:
    guard: AddressGuard

    def _new_conn(self):
        last_error = None
        for address in self.guard.addresses(self._dns_host):
            try:
                return self.guard.connect((address, self.port), self.timeout, source_address=self.source_address,
                                          socket_options=self.socket_options)
            except OSError as exc:
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools open connections through an AddressGuard."""

    def __init__(self, guard: AddressGuard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _pool_class(HTTPConnectionPool, HTTPConnection, self.guard),
            "https": _pool_class(HTTPSConnectionPool, HTTPSConnection, self.guard),
        }


def _pool_class(pool_base, connection_base, guard: AddressGuard):
    connection = type(f"Guarded{connection_base.__name__}", (_GuardedConnection, connection_base), {"guard": guard})
    return type(f"Guarded{pool_base.__name__}", (pool_base,), {"ConnectionCls": connection})


class StoreSession(requests.Session):
    """A Session for store calls: guarded connections, no redirects, no proxies from the environment."""

    def __init__(self, guard: AddressGuard):
        super().__init__()
        self.guard = guard
        self.trust_env = False
        adapter = GuardedAdapter(guard)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method, url, *args, **kwargs):
        """Send without following redirects; a redirect answer raises StoreUrlError saying where it led."""
        kwargs["allow_redirects"] = False
        response = super().request(method, url, *args, **kwargs)
        if response.is_redirect:
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            raise StoreUrlError(redirect_reason(url, target, self.guard))
        return response


def redirect_reason(url: str, target: str, guard: AddressGuard) -> str:
    """Why a redirect from `url` to `target` was not followed; says so when the target is not public."""
    try:
        public_addresses(urlsplit(target).hostname or "", guard.resolver)
    except StoreUrlError as exc:
        return (f"store_url: the store at {_origin(url)} redirected to a non-public address, which returnkit "
                f"refuses ({exc})")
    return (f"store_url: the store at {_origin(url)} redirected to {_origin(target)}; returnkit does not follow "
            "redirects: connect with the store's final address")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def store_session(allow_private: bool = False, resolver: Resolver = system_resolver) -> StoreSession:
    """A StoreSession with the system resolver (or the one given)."""
    return StoreSession(AddressGuard(allow_private, resolver))
