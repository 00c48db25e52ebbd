"""The shop's mode: new shops from the CLI start in shadow unless --live, the switch records when, the report's
verdicts and the "would have" words."""
import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest

from integration.db.base import utcnow
from integration.db.engine import transaction
from integration.merchant.shadow_report import verdict
from integration.merchant.shadow_words import would_have
from integration.policy.loader import resolve_policy_path
from integration.shops.core import ShopError, add_shop
from integration.shops.mode import (LIVE, SHADOW, action_state, in_shadow, live_since, planned_in_shadow,
                                    ran_in_shadow, set_mode)


@pytest.mark.proving   # CLI processes: the proving tier
def test_cli_shops_start_in_shadow_unless_live(tmp_path):
    env = {**os.environ, "RETURNKIT_DATA_DIR": str(tmp_path)}
    for name in ("DATABASE_URL", "REDIS_URL", "RETURNKIT_SECRET_KEY"):
        env.pop(name, None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "integration.cli", *args], env=env, capture_output=True,
                              text=True, timeout=60)

    common = ("--platform", "shopify", "--webhook-secret", "s", "--policy", "kaolate")
    assert cli("shops", "add", "--domain", "a.myshopify.com", *common).returncode == 0
    assert cli("shops", "add", "--domain", "b.myshopify.com", "--live", *common).returncode == 0
    listed = cli("shops", "list", "--json")
    assert [(s["domain"], s["mode"]) for s in json.loads(listed.stdout)] == [
        ("a.myshopify.com", SHADOW), ("b.myshopify.com", LIVE)]


def test_a_mode_that_is_not_one_is_refused_naming_the_field(rt):
    with transaction(rt.sessions) as session, pytest.raises(ShopError, match="^mode: 'sometimes' is not a mode"):
        add_shop(session, platform="shopify", domain="c.myshopify.com", webhook_secret="s", mode="sometimes",
                 policy_text=resolve_policy_path("kaolate").read_text())


def test_switching_to_live_keeps_what_was_planned_before_unsent(rt):
    with transaction(rt.sessions) as session:
        shop = add_shop(session, platform="shopify", domain="d.myshopify.com", webhook_secret="s", mode=SHADOW,
                        policy_text=resolve_policy_path("kaolate").read_text())
        before = utcnow()
        assert in_shadow(shop) and action_state(shop) == "shadowed" and planned_in_shadow(shop, before)
        set_mode(shop, LIVE)
        assert not in_shadow(shop) and ran_in_shadow(shop) and action_state(shop) == "pending"
        assert planned_in_shadow(shop, before) and not planned_in_shadow(shop, live_since(shop) + timedelta(seconds=1))
        switched = live_since(shop)
        set_mode(shop, LIVE)   # again: the first switch's time stands
        assert live_since(shop) == switched


def test_a_shop_that_was_always_live_never_ran_in_shadow(rt, shops):
    assert not ran_in_shadow(shops["shopify"]) and not planned_in_shadow(shops["shopify"], utcnow())


@pytest.mark.parametrize(("would_refund", "would_return", "did_refund", "did_return", "expected"), [
    ("42.50", "approve", "42.50", "approve", "agreed"),
    ("0", None, "0", None, "agreed"),
    ("42.50", "approve", "0", None, "not_yet"),
    ("0", "decline", "0", None, "not_yet"),
    ("42.50", "approve", "30.00", "approve", "more"),
    ("30.00", "approve", "42.50", "approve", "less"),
    ("0", "decline", "23.15", None, "merchant_only"),
    ("0", "decline", "0", "approve", "merchant_only"),
])
def test_verdicts(would_refund, would_return, did_refund, did_return, expected):
    assert verdict(Decimal(would_refund), would_return, Decimal(did_refund), did_return) == expected


def test_would_have_words_are_exact_to_the_minor_unit():
    assert would_have("refund", {"amount": "42.5", "currency": "USD"}) == "would have: refund 42.50 USD"
    assert would_have("refund", {"amount": "5000", "currency": "JPY", "method": "store_credit"}) == \
        "would have: store credit 5000 JPY"
    assert would_have("create_return", {}) == "would have: create return"
