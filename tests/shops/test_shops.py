"""Shops: install, policies as versions, secrets encrypted at rest, errors naming the field."""
import pytest
from sqlalchemy import text

from integration.db.engine import transaction
from integration.shops.core import ShopError, add_shop, find_shop, set_policy, shop_json
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


def test_return_settings_are_validated_naming_the_field_and_the_key_is_encrypted(rt):
    from integration.shops.returns_setup import ReturnsSetupError, configure_returns, labels_ready
    with transaction(rt.sessions) as session:
        shop = _add(session)
        with pytest.raises(ReturnsSetupError) as bad:
            configure_returns(shop, address={"name": "Desk", "street1": "1 Way", "city": "X", "zip": "1", "country": "usa"})
        assert bad.value.errors == ["return_address.country: a two-letter ISO code, e.g. US"]
        with pytest.raises(ReturnsSetupError) as bad:
            configure_returns(shop, parcel={"length": 1, "width": 1, "height": 1, "weight": 0})
        assert bad.value.errors[0].startswith("return_parcel.weight:")
        configure_returns(shop, easypost_api_key="EZAK_secret_key")
        assert not labels_ready(shop), "a key without a return address cannot buy labels"
        configure_returns(shop, address={"name": "Desk", "street1": "1 Way", "city": "X", "zip": "1", "country": "US"})
        assert labels_ready(shop) and shop_json(shop)["credentials"]["easypost_api_key"] is True
    with rt.engine.connect() as conn:
        stored = conn.execute(text("select easypost_api_key from shops")).scalar()
    assert "EZAK_secret_key" not in stored


@pytest.mark.proving   # CLI processes: the proving tier
def test_set_returns_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "integration.cli", *args], env=env, capture_output=True, text=True)

    assert cli("db", "upgrade").returncode == 0
    assert cli("shops", "add", "--platform", "shopify", "--domain", "a.myshopify.com", "--webhook-secret", "s",
               "--policy", "kaolate").returncode == 0
    bad = cli("shops", "set-returns", "a.myshopify.com", "--address", '{"name": "Desk"}')
    assert bad.returncode == 2 and "return_address.street1" in bad.stderr
    (tmp_path / "address.json").write_text('{"name": "Desk", "street1": "1 Way", "city": "X", "zip": "1", "country": "US"}')
    good = cli("shops", "set-returns", "a.myshopify.com", "--address", f"@{tmp_path / 'address.json'}",
               "--easypost-api-key", "EZAK_x")
    assert good.returncode == 0 and "return labels on" in good.stdout
