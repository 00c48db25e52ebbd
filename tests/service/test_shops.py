"""Shops: install, policies as versions, secrets encrypted at rest, errors naming the field."""
import pytest
from sqlalchemy import text

from integration.db.engine import transaction
from integration.services.shops import ShopError, add_shop, find_shop, set_policy, shop_json
from integration.policy.loader import resolve_policy_path

KAOLATE = resolve_policy_path("kaolate").read_text()
KINECTR = resolve_policy_path("kinectr").read_text()


def _add(session, **overrides):
    args = dict(platform="shopify", domain="Kaolate-Test.myshopify.com", webhook_secret="whsec-1",
                policy_text=KAOLATE, api_token="shpat_secret_token")
    args.update(overrides)
    return add_shop(session, **args)


def test_add_shop_stores_secrets_encrypted_and_lists_none(rt):
    with transaction(rt.sessions) as session:
        shop = _add(session)
    with rt.engine.connect() as conn:
        raw = conn.execute(text("select webhook_secret, api_token from shops")).one()
    assert "whsec-1" not in raw[0] and "shpat_secret_token" not in raw[1]
    with rt.sessions() as session:
        loaded = find_shop(session, "kaolate-test.myshopify.com")
        assert (loaded.webhook_secret, loaded.api_token) == ("whsec-1", "shpat_secret_token")
        listed = shop_json(loaded)
    assert listed["domain"] == "kaolate-test.myshopify.com" and listed["policy_version"] == 1
    assert "whsec-1" not in str(listed) and "shpat" not in str(listed)
    assert shop.id == listed["id"]


def test_each_policy_change_is_a_new_version(rt):
    with transaction(rt.sessions) as session:
        shop = _add(session)
        second = set_policy(session, shop, KINECTR)
    assert (second.version, second.policy_id) == (2, "kinectr")
    with rt.sessions() as session:
        assert shop_json(find_shop(session, shop.domain))["policy"] == "kinectr"


def test_woocommerce_store_urls_are_normalized(rt):
    with transaction(rt.sessions) as session:
        shop = _add(session, platform="woocommerce", domain="Shop.Example.com/", api_token=None,
                    consumer_key="ck_1", consumer_secret="cs_1")
    assert shop.domain == "https://shop.example.com"


@pytest.mark.parametrize("overrides, message", [
    ({"domain": "example.com"}, "domain: 'example.com' is not a Shopify shop domain"),
    ({"platform": "magento"}, "platform: 'magento' is not supported"),
    ({"webhook_secret": ""}, "webhook-secret: is required"),
    ({"policy_text": "policy: x\n"}, "policy: name: is required"),
    ({"consumer_key": "ck"}, "consumer-key: Shopify shops use --api-token"),
    ({"platform": "woocommerce", "domain": "https://w.example", "api_token": None, "consumer_key": "ck"},
     "consumer-secret: give --consumer-key and --consumer-secret together"),
])
def test_bad_shops_are_refused_naming_the_field(rt, overrides, message):
    with pytest.raises(ShopError) as info, transaction(rt.sessions) as session:
        _add(session, **overrides)
    assert str(info.value).startswith(message)


def test_a_domain_cannot_be_installed_twice(rt):
    with transaction(rt.sessions) as session:
        _add(session)
    with pytest.raises(ShopError, match="already installed"), transaction(rt.sessions) as session:
        _add(session, domain="kaolate-test.myshopify.com")
