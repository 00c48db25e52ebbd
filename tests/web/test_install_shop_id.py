"""A Shopify install records the shop's own id (`shop { id }`), so shop/redact, customers/redact and
customers/data_request are checked against it from the very first delivery, not only after a confirmed uninstall
(issue 16, item 5: follow-up). A shop whose id could not be asked at install is asked on its next admin load."""
from __future__ import annotations

from sqlalchemy import select

from integration.db.models import Shop
from integration.inbox.process import process_delivery
from integration.inbox.topic_checks import PLATFORM_ID
from tests.orders.test_picture import FakeProducts
from tests.web.test_install_shopify import (DOMAIN, SECRET, callback, emulator, irt,  # noqa: F401  (fixtures)
                                             session_token, start, web)
from tests.webhook_helpers import load_fixture, post

OWN_GID = "gid://shopify/Shop/4242"
REDACT = {**load_fixture("shopify", "shop_redact"), "shop_domain": DOMAIN}   # shop_id 8880001: not this shop's


def _shop(irt) -> Shop | None:
    with irt.sessions() as session:
        return session.scalar(select(Shop).where(Shop.domain == DOMAIN))


def _deliver(web, irt, topic: str, payload: dict) -> str:
    """Post a delivery signed with the app's secret, as Shopify would for this shop, and process it."""
    answer = post(web, "shopify", topic, payload, secret=SECRET, X_Shopify_Shop_Domain=DOMAIN)
    assert answer.status_code == 200, answer.data
    return process_delivery(irt, answer.json["delivery"], FakeProducts(), lambda _action_id: None)


def test_an_install_records_the_shops_own_id_and_the_first_redaction_must_carry_it(web, irt, emulator):
    emulator.state.shop_gid = OWN_GID
    assert callback(web, start(web)).status_code == 302
    assert _shop(irt).settings[PLATFORM_ID] == "4242"
    assert ("ShopId", {}) in emulator.calls
    assert _deliver(web, irt, "shop/redact", REDACT) == "refused"     # the first delivery: no uninstall before it
    data_request = {**load_fixture("shopify", "customers_data_request"), "shop_domain": DOMAIN}
    assert _deliver(web, irt, "customers/data_request", data_request) == "refused"
    assert _shop(irt) is not None
    assert _deliver(web, irt, "shop/redact", {**REDACT, "shop_id": 4242}) == "processed"
    assert _shop(irt) is None


def test_a_token_exchange_records_it_and_an_id_shopify_would_not_give_is_asked_for_on_the_next_load(web, irt,
                                                                                                   emulator):
    emulator.state.shop_gid = OWN_GID
    emulator.faults = ["500"]    # the first Admin API call of the install: the shop's id
    assert web.get(f"/app/?embedded=1&id_token={session_token()}").status_code == 200
    assert PLATFORM_ID not in (_shop(irt).settings or {}) and _shop(irt).active   # the install stands
    assert web.get("/app/", headers={"Authorization": f"Bearer {session_token()}"}).status_code == 200
    assert _shop(irt).settings[PLATFORM_ID] == "4242"
    calls = len(emulator.calls)
    assert web.get("/app/", headers={"Authorization": f"Bearer {session_token()}"}).status_code == 200
    assert len(emulator.calls) == calls    # known now: not asked again
