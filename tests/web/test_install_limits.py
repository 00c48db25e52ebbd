"""Starting an install is rate limited per client address and per shop (issue 16, item 8: follow-up): every
`GET /auth?shop=...` and WooCommerce connect writes a pending install, so a flood gets 429 with Retry-After and
writes no more rows, whether it comes from one address or from many aimed at one shop however its name is typed."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from integration.app import create_app
from integration.db.models import PendingInstall
from integration.web.limits import INSTALLS_PER_ADDRESS, INSTALLS_PER_SHOP
from tests.web.test_install_shopify import DOMAIN, emulator, irt, web  # noqa: F401  (fixtures)
from tests.web_helpers import csrf_from

PER_MINUTE_ADDRESS = int(INSTALLS_PER_ADDRESS.split()[0])
PER_MINUTE_SHOP = int(INSTALLS_PER_SHOP.split()[0])


def _pending(rt) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(PendingInstall))


def _auth(web, shop: str, address: str = "203.0.113.7"):
    return web.get("/auth", query_string={"shop": shop}, environ_base={"REMOTE_ADDR": address})


def test_a_flood_of_install_starts_from_one_address_gets_429_and_writes_no_more_rows(web, irt):
    answers = [_auth(web, f"flood-{n}.myshopify.com").status_code for n in range(PER_MINUTE_ADDRESS + 5)]
    assert answers == [302] * PER_MINUTE_ADDRESS + [429] * 5
    refused = _auth(web, "one-more.myshopify.com")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert b"too many installs started" in refused.data
    assert _pending(irt) == PER_MINUTE_ADDRESS
    assert _auth(web, "another.myshopify.com", address="198.51.100.9").status_code == 302   # others still may


def test_one_shop_from_many_addresses_however_it_is_typed_gets_429(web, irt):
    typed = [DOMAIN, DOMAIN.upper(), f" {DOMAIN} ", f"https://{DOMAIN}/admin"]
    answers = [_auth(web, typed[n % len(typed)], address=f"198.51.100.{n}").status_code
               for n in range(PER_MINUTE_SHOP + 3)]
    assert answers == [302] * PER_MINUTE_SHOP + [429] * 3
    assert _pending(irt) == PER_MINUTE_SHOP


@pytest.fixture()
def woo(rt):
    """The app with private store URLs allowed (the stores here are 127.0.0.1, so nothing is resolved)."""
    rt.settings = dataclasses.replace(rt.settings, allow_private_store_urls=True)
    return create_app({"TESTING": True}, rt=rt, enqueue=lambda _id: None).test_client()


def test_a_flood_of_woocommerce_connects_gets_429_and_writes_no_more_rows(woo, rt):
    token = csrf_from(woo.get("/woocommerce/connect").data)
    answers = [woo.post("/woocommerce/connect", data={"csrf_token": token, "store_url": f"https://127.0.0.1/s{n}",
                                                      "policy": "kinectr"}) for n in range(PER_MINUTE_ADDRESS + 2)]
    assert [a.status_code for a in answers] == [303] * PER_MINUTE_ADDRESS + [429] * 2
    assert int(answers[-1].headers["Retry-After"]) > 0 and b"too many installs started" in answers[-1].data
    assert _pending(rt) == PER_MINUTE_ADDRESS
