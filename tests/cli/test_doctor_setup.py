"""`returnkit doctor` prints each shop's setup checklist, one line per item, and fails on a required item left to do."""
import io

import pytest

from integration.cli.doctor import doctor, run_checks
from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.merchant.checklist import mark_customer_page_linked
from integration.shops.returns_setup import configure_returns
from tests.conftest import TEST_KEY

TOKEN, CK, CS, EASYPOST = "shpat_setup000000000000", "ck_setup0000000000", "cs_setup0000000000", "EZAK_setup0000"
ADDRESS = {"name": "Returns desk", "street1": "1 Main St", "city": "Austin", "zip": "78701", "country": "US"}
ITEMS = ("store", "webhooks", "policy", "labels", "emails", "customer_page")


@pytest.fixture()
def env(rt, database_url, tmp_path):
    return {"DATABASE_URL": database_url, "RETURNKIT_DATA_DIR": str(tmp_path / "data"), "RETURNKIT_SECRET_KEY": TEST_KEY,
            "RETURNKIT_PUBLIC_URL": "https://returnkit.example.com", "RETURNKIT_SHOPIFY_API_KEY": "client-id",
            "RETURNKIT_SHOPIFY_API_SECRET": "client-secret"}


def set_up(rt, shop_id, **columns):
    """A shop with every checklist item done."""
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        for name, value in columns.items():
            setattr(shop, name, value)
        shop.easypost_api_key = EASYPOST
        configure_returns(shop, address=ADDRESS)
        mark_customer_page_linked(shop, True)
        session.add(WebhookDelivery(shop_id=shop_id, platform=shop.platform, topic="orders/updated",
                                    dedupe_key=f"d{shop_id}", headers={}, received_at=utcnow()))


def setup_lines(env, shop_id) -> dict[str, tuple[str, str]]:
    return {c.name.split()[-1]: (c.level, c.message) for c in run_checks(env) if c.name.startswith(f"shop {shop_id} ")
            and c.name.split()[-1] in ITEMS}


def test_every_item_of_every_shop_is_printed_and_no_secret(env, rt, shops):
    set_up(rt, shops["shopify"].id, api_token=TOKEN)
    set_up(rt, shops["woocommerce"].id, consumer_key=CK, consumer_secret=CS)
    out = io.StringIO()
    code = doctor({**env, "RETURNKIT_SMTP_HOST": "smtp.example.com"}, out)
    printed = out.getvalue()
    for shop in shops.values():
        for item in ITEMS:
            assert f"ok   shop {shop.id} {item}: {shop.domain}: " in printed, (item, printed)
    assert code == 0
    for secret in (TOKEN, CK, CS, EASYPOST, TEST_KEY):
        assert secret not in printed


def test_a_shop_that_is_not_connected_fails_the_doctor(env, rt, shops):
    set_up(rt, shops["woocommerce"].id, consumer_key=CK, consumer_secret=CS)
    level, message = setup_lines(env, shops["shopify"].id)["store"]
    assert level == "fail" and "no access to your store" in message and "Fix: Reinstall returnkit" in message
    assert doctor(env, io.StringIO()) == 1


def test_items_merely_left_to_do_warn_and_say_what_to_do(env, rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).api_token = TOKEN
    lines = setup_lines(env, shops["shopify"].id)
    assert lines["store"][0] == "ok"
    assert lines["emails"][0] == "warn" and "Local outbox only" in lines["emails"][1]
    assert lines["labels"][0] == "warn" and "No return address" in lines["labels"][1]
    assert lines["customer_page"][0] == "warn" and "https://returnkit.example.com/r/" in lines["customer_page"][1]
    assert lines["webhooks"][0] == "warn" and "None registered" in lines["webhooks"][1]


def test_the_demo_shop_warns_instead_of_saying_ok(env, rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).is_demo = True
    lines = setup_lines(env, shops["shopify"].id)
    assert lines["store"][0] == "warn" and "demo shop is not connected" in lines["store"][1]
    assert lines["policy"][0] == "warn" and "demo's sample policy" in lines["policy"][1]


def test_an_uninstalled_shop_has_no_checklist(env, rt, shops):
    with transaction(rt.sessions) as session:
        session.get(Shop, shops["shopify"].id).status = "uninstalled"
    assert setup_lines(env, shops["shopify"].id) == {}
