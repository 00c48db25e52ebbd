"""The receiver's shop cache is bounded (issue 16, item 8): unknown shop names a sender makes up are neither kept
past a few seconds nor past a fixed count, and never push an installed shop out."""
import tracemalloc

import pytest

from integration.db.engine import transaction
from integration.policy.loader import resolve_policy_path
from integration.shops.core import add_shop
from tests.tiers import scaled
from tests.webhook_helpers import SHOPIFY_DOMAIN, post
from webhooks import shop_cache
from webhooks.shop_cache import ShopCache

PRODUCT = {"id": 7001, "title": "Organic tee"}
STRANGERS = scaled(1_500)   # unknown shop headers sent: 300 in the quick tier, 1,500 in the proving tier


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _counting(cache: ShopCache) -> list:
    """Record every database load the cache makes."""
    loads, load = [], cache._load
    cache._load = lambda *args: loads.append(args[:2]) or load(*args)
    return loads


@pytest.mark.scaled
def test_unknown_seven_kilobyte_shop_headers_are_not_kept(client):
    cache = client.application.extensions["returnkit"].shops
    tracemalloc.start(25)
    try:
        before = tracemalloc.take_snapshot()
        for n in range(STRANGERS):
            header = f"{n}-" + "a" * 7_000 + ".myshopify.com"
            assert post(client, "shopify", "products/update", PRODUCT, X_Shopify_Shop_Domain=header).status_code == 404
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    held = [tracemalloc.Filter(True, shop_cache.__file__, all_frames=True)]
    grown = sum(s.size_diff for s in after.filter_traces(held).compare_to(before.filter_traces(held), "filename"))
    assert grown < 256 * 1024, f"the shop cache grew by {grown:,} bytes for {STRANGERS:,} unknown shop headers"
    assert cache.lookup("shopify", SHOPIFY_DOMAIN) is not None


def test_unknown_shops_are_bounded_in_count_and_forgotten_after_their_ttl(rt, shops, monkeypatch):
    monkeypatch.setattr(shop_cache, "MAX_UNKNOWN", 50)
    clock = Clock()
    cache = ShopCache(rt.sessions, clock)
    for n in range(400):
        assert cache.lookup("shopify", f"stranger-{n}.myshopify.com") is None
    assert len(cache._unknown.items) <= 50
    clock.now += shop_cache.UNKNOWN_SECONDS
    loads = _counting(cache)
    assert cache.lookup("shopify", "stranger-399.myshopify.com") is None and len(loads) == 1


def test_a_shop_installed_after_an_unknown_lookup_is_found_once_the_negative_entry_lapses(rt, shops):
    clock = Clock()
    cache = ShopCache(rt.sessions, clock)
    assert cache.lookup("shopify", "late.myshopify.com") is None
    with transaction(rt.sessions) as session:
        add_shop(session, platform="shopify", domain="late.myshopify.com", webhook_secret="whsec_late",
                 policy_text=resolve_policy_path("kaolate").read_text())
    assert cache.lookup("shopify", "late.myshopify.com") is None   # still the cached "unknown"
    clock.now += shop_cache.UNKNOWN_SECONDS
    assert cache.lookup("shopify", "late.myshopify.com") is not None


def test_a_flood_of_unknown_shops_never_pushes_an_installed_shop_out(rt, shops, monkeypatch):
    monkeypatch.setattr(shop_cache, "MAX_UNKNOWN", 20)
    cache = ShopCache(rt.sessions, Clock())
    assert cache.lookup("shopify", SHOPIFY_DOMAIN) is not None
    for n in range(200):
        cache.lookup("shopify", f"stranger-{n}.myshopify.com")
    loads = _counting(cache)
    assert cache.lookup("shopify", SHOPIFY_DOMAIN) is not None and loads == []


def test_installed_shops_are_bounded_too(rt, shops, monkeypatch):
    monkeypatch.setattr(shop_cache, "MAX_SHOPS", 4)
    clock = Clock()
    cache = ShopCache(rt.sessions, clock)
    with transaction(rt.sessions) as session:
        for n in range(10):
            add_shop(session, platform="shopify", domain=f"shop-{n}.myshopify.com", webhook_secret=f"whsec_{n}",
                     policy_text=resolve_policy_path("kaolate").read_text())
    for n in range(10):
        clock.now += 0.01
        assert cache.lookup("shopify", f"shop-{n}.myshopify.com") is not None
    assert len(cache._shops.items) <= 4
