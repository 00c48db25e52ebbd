"""The gateway the outbox calls for a shop: its platform's action client, built from the runtime's settings, with the
shop's EasyPost account when labels are set up."""
import dataclasses

import pytest

from adapters.easypost.client import DEFAULT_PARCEL
from adapters.http import PlatformError
from adapters.shopify.actions import ShopifyActions
from adapters.woocommerce.actions import WooCommerceActions
from integration.db.engine import transaction
from integration.db.models import Shop
from integration.outbox.gateways import gateways_for, platform_gateway, return_labels
from integration.shops.returns_setup import configure_returns

WAREHOUSE = {"name": "Returns desk", "street1": "400 Maker Way", "city": "Portland", "state": "OR", "zip": "97201",
             "country": "US"}
BOX = {"length": 10, "width": 8, "height": 3, "weight": 20}


def _shop(rt, shop_id: int, **fields) -> Shop:
    with transaction(rt.sessions) as session:
        shop = session.get(Shop, shop_id)
        for name, value in fields.items():
            setattr(shop, name, value)
    with rt.sessions() as session:
        shop = session.get(Shop, shop_id)
        session.expunge(shop)
        return shop


def _with_labels(rt, shop_id: int, **kwargs) -> None:
    with transaction(rt.sessions) as session:
        configure_returns(session.get(Shop, shop_id), **kwargs)


def test_no_label_account_without_both_a_key_and_a_return_address(rt, shops):
    shop_id = shops["shopify"].id
    assert return_labels(_shop(rt, shop_id), rt.settings) is None
    _with_labels(rt, shop_id, easypost_api_key="EZTK_1")
    assert return_labels(_shop(rt, shop_id), rt.settings) is None
    _with_labels(rt, shop_id, easypost_api_key="", address=WAREHOUSE)
    assert return_labels(_shop(rt, shop_id), rt.settings) is None


def test_a_label_account_is_the_shops_key_address_and_parcel_at_the_runtimes_base_and_timeout(rt, shops):
    shop_id = shops["shopify"].id
    _with_labels(rt, shop_id, easypost_api_key="EZTK_1", address=WAREHOUSE)
    settings = dataclasses.replace(rt.settings, easypost_api_base="https://easypost.test/v2", http_timeout=7.5)
    labels = return_labels(_shop(rt, shop_id), settings)
    assert (labels.client.api_key, labels.client.api_base, labels.client.timeout) == (
        "EZTK_1", "https://easypost.test/v2", 7)
    assert labels.merchant["street1"] == "400 Maker Way" and labels.parcel == DEFAULT_PARCEL
    _with_labels(rt, shop_id, parcel=BOX)
    assert return_labels(_shop(rt, shop_id), settings).parcel["weight"] == 20


@pytest.mark.parametrize("platform, gateway", [("shopify", ShopifyActions), ("woocommerce", WooCommerceActions)])
def test_a_shop_with_credentials_gets_its_platforms_action_client_with_its_labels(rt, shops, platform, gateway):
    shop_id = shops[platform].id
    credentials = ({"api_token": "shpat_1"} if platform == "shopify" else
                   {"consumer_key": "ck_1", "consumer_secret": "cs_1"})
    _with_labels(rt, shop_id, easypost_api_key="EZTK_1", address=WAREHOUSE)
    shop = _shop(rt, shop_id, api_base_url="https://api.example.com", **credentials)
    settings = dataclasses.replace(rt.settings, http_timeout=4.0)
    made = platform_gateway(shop, rt.sessions, settings)
    assert type(made) is gateway and made.labels is not None and made.labels.client.api_key == "EZTK_1"
    timeout = made.client.timeout if platform == "shopify" else made.client.api.timeout
    assert timeout == 4.0
    assert type(gateways_for(rt)(shop)) is gateway


def test_a_shop_without_credentials_is_refused_for_good(rt, shops):
    with pytest.raises(PlatformError) as refused:
        platform_gateway(_shop(rt, shops["woocommerce"].id), rt.sessions, rt.settings)
    assert refused.value.retryable is False and str(refused.value) == "woocommerce: the shop has no API credentials"
