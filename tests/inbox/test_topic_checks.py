"""A signed body replayed under another topic or for another shop changes nothing (issue 16, item 5).

Shopify's HMAC covers the body only, and one app secret signs every shop's deliveries. So app/uninstalled must
name the shop and its token must no longer work (asked of the Shopify emulator), and shop/redact and
customers/redact must carry the shop's own id and domain and none of another topic's fields. A refused delivery
stays in the inbox as `refused`, with a warning under a stable key that names no shop domain or customer."""
import json

import pytest
from sqlalchemy import func, select

from integration.db.engine import transaction
from integration.db.models import Shop, WebhookDelivery
from integration.db.order_models import Order
from integration.inbox.process import process_delivery
from integration.inbox.topic_checks import PLATFORM_ID
from tests.emulators.server import Served
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.test_picture import STORY, FakeProducts, replay
from tests.webhook_helpers import SHOPIFY_DOMAIN, load_fixture, post

TOKEN = "shpat_topic_checks"
PRODUCT = load_fixture("shopify", "products_update")
REDACT = load_fixture("shopify", "shop_redact")
CUSTOMER_REDACT = load_fixture("shopify", "customers_redact")
UNINSTALL = load_fixture("shopify", "app_uninstalled")


def deliver(client, rt, queue, topic: str, payload: dict) -> tuple[str, str | None]:
    """Sign `payload` (as Shopify would sign it for any topic), post it under `topic`, process it: (status, error)."""
    assert post(client, "shopify", topic, payload).status_code == 200
    [row_id] = queue
    queue.clear()
    status = process_delivery(rt, row_id, FakeProducts(), lambda _action_id: None)
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, row_id)
        return status, row.error if row is not None else None


def shop_row(rt, shops) -> Shop | None:
    with rt.sessions() as session:
        return session.get(Shop, shops["shopify"].id)


def order_count(rt, shops) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shops["shopify"].id))


@pytest.fixture()
def storied(client, rt, queue, shops):
    """The shop with its sample orders and products delivered."""
    assert set(replay(client, rt, queue, "shopify", STORY)) == {"processed"}
    return client


@pytest.fixture()
def emulator(rt, shops):
    """The Shopify emulator holding the shop's live access token."""
    shopify = ShopifyEmulator(token=TOKEN)
    served = Served(shopify.app)
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shops["shopify"].id)
        shop.api_token, shop.api_base_url = TOKEN, served.url
    yield shopify
    served.stop()


@pytest.mark.parametrize("topic", ["app/uninstalled", "shop/redact"])
def test_a_products_update_body_replayed_under_a_topic_that_ends_or_erases_changes_nothing(storied, rt, queue, shops,
                                                                                           topic, caplog):
    before = order_count(rt, shops)
    status, error = deliver(storied, rt, queue, topic, PRODUCT)
    assert status == "refused" and error.startswith(topic) and "does not name this shop" in error
    assert shop_row(rt, shops).status == "active" and order_count(rt, shops) == before
    [line] = [r for r in caplog.records if r.getMessage().startswith("inbox.topic-refused")]
    assert line.levelname == "WARNING" and SHOPIFY_DOMAIN not in line.getMessage()
    with rt.sessions() as session:
        assert session.scalar(select(WebhookDelivery.status).where(WebhookDelivery.topic == topic)) == "refused"


def test_another_shops_redaction_is_refused_and_erases_nothing(storied, rt, queue, shops):
    before = order_count(rt, shops)
    other = {**REDACT, "shop_domain": "someone-else.myshopify.com"}
    assert deliver(storied, rt, queue, "shop/redact", other)[0] == "refused"
    customer = {**CUSTOMER_REDACT, "shop_domain": "someone-else.myshopify.com"}
    assert deliver(storied, rt, queue, "customers/redact", customer)[0] == "refused"
    assert shop_row(rt, shops) is not None and order_count(rt, shops) == before
    with rt.sessions() as session:
        order = session.scalar(select(Order).where(Order.shop_id == shops["shopify"].id, Order.order_id == "5550001"))
        assert order.customer_ref == "6660001"   # the customer was not redacted


@pytest.mark.parametrize("name", ["customers_redact", "customers_data_request"])
def test_a_customer_topics_body_replayed_as_shop_redact_is_refused(storied, rt, queue, shops, name):
    status, error = deliver(storied, rt, queue, "shop/redact", load_fixture("shopify", name))
    assert status == "refused" and "only another topic's" in error
    assert shop_row(rt, shops) is not None


def test_a_data_request_replayed_as_customers_redact_is_refused(storied, rt, queue, shops):
    status, _error = deliver(storied, rt, queue, "customers/redact", load_fixture("shopify", "customers_data_request"))
    assert status == "refused"
    with rt.sessions() as session:
        assert session.scalar(select(Order.customer_ref).where(Order.order_id == "5550001")) == "6660001"


def test_an_uninstall_is_refused_while_the_token_works_and_applied_once_shopify_answers_401(client, rt, queue, shops,
                                                                                            emulator):
    status, error = deliver(client, rt, queue, "app/uninstalled", UNINSTALL)
    assert status == "refused" and "access token still works" in error
    assert emulator.calls == [("ProductForReturns", {"id": "gid://shopify/Product/0"})]   # one cheap call
    assert (shop_row(rt, shops).status, shop_row(rt, shops).api_token) == ("active", TOKEN)
    emulator.token = "shpat_after_uninstall"   # Shopify revokes the token when the app is uninstalled
    assert deliver(client, rt, queue, "app/uninstalled", {**UNINSTALL, "updated_at": "later"}) == ("processed", None)
    shop = shop_row(rt, shops)
    assert (shop.status, shop.api_token, shop.settings[PLATFORM_ID]) == ("uninstalled", None, "8880001")


def test_after_a_confirmed_uninstall_only_the_shops_own_id_redacts_it(client, rt, queue, shops):
    assert deliver(client, rt, queue, "app/uninstalled", UNINSTALL) == ("processed", None)   # no token to confirm with
    status, error = deliver(client, rt, queue, "shop/redact", {**REDACT, "shop_id": 1234})
    assert status == "refused" and "shop_id" in error and shop_row(rt, shops) is not None
    assert deliver(client, rt, queue, "shop/redact", REDACT)[0] == "processed"
    assert shop_row(rt, shops) is None


def test_an_uninstall_the_platform_cannot_confirm_now_is_retried_not_applied(client, rt, queue, shops, emulator):
    emulator.faults = ["500"]
    assert post(client, "shopify", "app/uninstalled", UNINSTALL).status_code == 200
    [row_id] = queue
    with pytest.raises(Exception, match="could not ask"):
        process_delivery(rt, row_id, FakeProducts(), lambda _action_id: None)
    with rt.sessions() as session:
        row = session.get(WebhookDelivery, row_id)
        assert row.status == "received" and "CannotConfirm" in row.error
    assert shop_row(rt, shops).status == "active"


def test_genuine_compliance_deliveries_still_act(storied, rt, queue, shops):
    assert deliver(storied, rt, queue, "customers/redact", CUSTOMER_REDACT)[0] == "processed"
    with rt.sessions() as session:
        assert session.scalar(select(Order.customer_ref).where(Order.order_id == "5550001")) is None
    assert json.loads(json.dumps(REDACT))["shop_domain"] == SHOPIFY_DOMAIN
