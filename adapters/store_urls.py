"""Store URLs a merchant types, checked against SSRF: public http(s) stores only.

returnkit calls whatever store URL a merchant gives it, so a URL must not reach the host's own network:
only http(s) (https unless RETURNKIT_ALLOW_PRIVATE_STORE_URLS=1), no userinfo, the default port,
a plain DNS name or a canonical IP literal, and every address it resolves to public. Integer, octal
and hex IP forms, trailing dots, zone ids and non-ASCII hosts are refused outright rather than
interpreted, because resolvers and HTTP stacks disagree about what they mean. The connection layer
(store_session.py) runs `public_addresses` again at connect time, so DNS rebinding gains nothing.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str], Iterable[str]]   # host name -> the IP addresses it resolves to

FIELD = "store_url"
METADATA = ipaddress.ip_address("169.254.169.254")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPAT = ipaddress.ip_network("::/96")
CGNAT = ipaddress.ip_network("100.64.0.0/10")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class StoreUrlError(ValueError):
    """A store URL returnkit will not call; the message names the field, the reason and the fix."""


def _refuse(url: str, reason: str) -> StoreUrlError:
    return StoreUrlError(f"{FIELD}: {url!r} is refused: {reason}")


def system_resolver(host: str) -> list[str]:
    """Every A and AAAA address of `host`, from the system resolver."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _embedded_v4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64), which routers may deliver to."""
    found = []
    if ip.sixtofour:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo:
        found.extend(("Teredo", v4) for v4 in ip.teredo)
    if ip in NAT64:
        found.append(("NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    return found


def address_problem(address: str) -> str | None:
    """Why this IP address is not a public one (None when it is)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"{ip} is an IPv4-mapped IPv6 address"
        if ip in IPV4_COMPAT and int(ip) > 1:   # ::/96 but not :: or ::1
            return f"{ip} is an IPv4-compatible IPv6 address"
        for kind, v4 in _embedded_v4(ip):
            inner = address_problem(str(v4))
            if inner:
                return f"{ip} embeds {v4} ({kind}): {inner}"
    return _v4_or_v6_problem(ip)


def _v4_or_v6_problem(ip) -> str | None:
    checks = [(ip == METADATA, "the cloud metadata address"), (ip.is_unspecified, "an unspecified address"),
              (ip.is_loopback, "a loopback address"), (ip.is_link_local, "a link-local address"),
              (ip.is_multicast, "a multicast address"), (ip.version == 4 and ip in CGNAT, "a carrier-grade NAT address"),
              (ip.is_reserved, "a reserved address"), (ip.is_private, "a private address"),
              (not ip.is_global, "not a public address")]
    for failed, what in checks:
        if failed:
            return f"{ip} is {what}"
    return None


def _ip_literal(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _host_problem(host: str, allow_private: bool) -> str | None:
    """Why a host name is not a plain DNS name or canonical IP literal (None when it is)."""
    if not host:
        return "it has no host; write e.g. 'https://shop.example.com'"
    if not host.isascii():
        return "the host is not ASCII; write its punycode (xn--) form"
    if "%" in host:
        return "the host has a zone id or percent-encoding"
    if _ip_literal(host) is not None:
        return None
    if host.endswith("."):
        return "the host ends with a dot; write it without the trailing dot"
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return "the host is not a valid DNS name"
    if labels[-1][0].isdigit():
        # 2130706433, 0x7f.1, 0177.0.0.1, 127.1: resolvers read these as IPv4 addresses.
        return "the host is an integer, octal, hex or shortened IP address; write a DNS name or a dotted IPv4"
    if len(labels) < 2 and not allow_private:   # localhost, intranet names
        return "the host is a single label; write the store's full domain"
    return None


def parse_store_url(url: str, allow_private: bool = False):
    """The URL split into parts when its form is acceptable; raises StoreUrlError naming the reason."""
    text = (url or "").strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in text):
        raise _refuse(url, "it is empty or has spaces, control characters or backslashes")
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
    except ValueError:
        raise _refuse(url, "it is not a URL (an unclosed '[' in the host?)") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise _refuse(url, f"the scheme {parts.scheme!r} is not http or https")
    if parts.scheme != "https" and not allow_private:
        raise _refuse(url, "it is not https; write the store's https:// address")
    if "@" in parts.netloc:
        raise _refuse(url, "it carries a user name or password; write the address without 'user@'")
    if parts.query or parts.fragment:
        raise _refuse(url, "it has a query or fragment; write the store's home address only")
    try:
        port = parts.port
    except ValueError:
        raise _refuse(url, "the port is not a number from 1 to 65535") from None
    if port not in (None, _DEFAULT_PORTS[parts.scheme]) and not allow_private:
        raise _refuse(url, f"port {port} is not the default port of {parts.scheme}")
    problem = _host_problem(parts.hostname or "", allow_private)
    if problem:
        raise _refuse(url, problem)
    return parts


def public_addresses(host: str, resolver: Resolver, allow_private: bool = False) -> list[str]:
    """The addresses to connect to for `host`; raises StoreUrlError unless every one is public."""
    literal = _ip_literal(host)
    try:
        addresses = [str(literal)] if literal is not None else list(resolver(host))
    except (OSError, UnicodeError):
        raise _refuse(host, "the host name does not resolve; check the spelling") from None
    if not addresses:
        raise _refuse(host, "the host name has no addresses")
    if not allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise _refuse(host, problem)
    return addresses


def check_store_url(url: str, resolver: Resolver = system_resolver, allow_private: bool = False) -> str:
    """The canonical store URL (`scheme://host[:port][/path]`) once its form and addresses are public."""
    parts = parse_store_url(url, allow_private)
    public_addresses(parts.hostname, resolver, allow_private)
    netloc = parts.netloc.lower()
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"
