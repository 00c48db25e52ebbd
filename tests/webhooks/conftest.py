"""An app with a Shopify and a WooCommerce shop installed, and a queue that records what it is given."""
import pytest

from integration.app import create_app
from integration.db.engine import transaction
from integration.policy.loader import resolve_policy_path
from integration.services.shops import add_shop
from tests.webhook_helpers import SECRET, SHOPIFY_DOMAIN, WOO_URL


@pytest.fixture()
def queue():
    return []


@pytest.fixture()
def shops(rt):
    with transaction(rt.sessions) as session:
        shopify = add_shop(session, platform="shopify", domain=SHOPIFY_DOMAIN, webhook_secret=SECRET,
                           policy_text=resolve_policy_path("kaolate").read_text())
        woo = add_shop(session, platform="woocommerce", domain=WOO_URL, webhook_secret=SECRET,
                       policy_text=resolve_policy_path("kinectr").read_text())
    return {"shopify": shopify, "woocommerce": woo}


@pytest.fixture()
def client(rt, shops, queue):
    app = create_app({"TESTING": True}, rt=rt, enqueue=queue.append)
    return app.test_client()
