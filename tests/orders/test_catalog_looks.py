"""The catalog keeps each product's picture and its variants' titles and pictures (issue 19): from the product
webhooks, merged with what the product fetch filled in, refetched for rows that lack them, and rows from before
migration 0017 keep working on their SKUs."""
from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import create_engine, inspect, select, text

from integration.db.engine import transaction
from integration.db.migrate import alembic_config
from integration.db.models import Shop
from integration.db.order_models import Order, OrderLine, Product
from integration.domain import events as ev
from integration.orders.catalog import (MAX_IMAGE_URL, apply_product_seen, fill_missing_products, variant_image,
                                        variant_title)
from tests.orders.test_picture import STORY, replay

T1, T2 = datetime(2026, 12, 1, tzinfo=timezone.utc), datetime(2026, 12, 2, tzinfo=timezone.utc)
LOOKS = (("21", None, "https://cdn.example.com/p.png"), ("22", "Size: M", "https://cdn.example.com/m.png"),
         ("23", "Size: L", None))


def _seen(**changes) -> ev.ProductSeen:
    fields = {"product_id": "20", "title": "Tee", "updated_at": T1,
              "variants": (("21", "TEE", True), ("22", "TEE-M", True), ("23", "TEE-L", True)),
              "image_url": "https://cdn.example.com/tee.png", "looks": LOOKS}
    return ev.ProductSeen(**{**fields, **changes})


def _product(session, shop, product_id="20") -> Product:
    return session.scalar(select(Product).where(Product.shop_id == shop.id, Product.product_id == product_id))


def test_the_shopify_product_webhooks_fill_titles_in_the_catalog(client, rt, queue, shops):
    assert replay(client, rt, queue, "shopify", STORY) == ["processed"] * len(STORY)
    with rt.sessions() as session:
        tee = _product(session, shops["shopify"], "7001")
        assert (tee.title, tee.image_url, tee.looks) == ("Organic tee", None, {"8001": ["Size: M", None]})
        assert variant_title(tee, "8001") == "Size: M"


def test_an_upsert_keeps_the_looks_a_later_webhook_does_not_carry(rt, shops):
    shop = shops["woocommerce"]
    with transaction(rt.sessions) as session:
        apply_product_seen(session, shop, _seen())
        # WooCommerce's product.updated names variations by id only, and 23 is gone: 22 keeps its fetched title.
        apply_product_seen(session, shop, _seen(updated_at=T2, variants=_seen().variants[:2], looks=(),
                                                image_url="https://cdn.example.com/tee2.png"))
    with rt.sessions() as session:
        row = _product(session, shop)
        assert row.looks == {"21": [None, "https://cdn.example.com/p.png"], "22": ["Size: M", "https://cdn.example.com/m.png"]}
        assert row.image_url == "https://cdn.example.com/tee2.png"
        assert (variant_title(row, "22"), variant_image(row, "22"), variant_image(row, "21")) == (
            "Size: M", "https://cdn.example.com/m.png", "https://cdn.example.com/p.png")


def test_an_older_event_changes_nothing_and_a_too_long_url_is_no_picture(rt, shops):
    shop = shops["shopify"]
    with transaction(rt.sessions) as session:
        apply_product_seen(session, shop, _seen(updated_at=T2))
        apply_product_seen(session, shop, _seen(looks=(("22", "Old", None),)))   # T1: older than held
        apply_product_seen(session, shop, _seen(product_id="30", image_url="https://x.example/" + "a" * MAX_IMAGE_URL))
    with rt.sessions() as session:
        assert _product(session, shop).looks["22"] == ["Size: M", "https://cdn.example.com/m.png"]
        assert _product(session, shop, "30").image_url is None


def test_pages_get_https_pictures_only():
    row = Product(product_id="1", title="Tee", variants=[["1", "S", True], ["2", "M", True], ["3", "L", True]],
                  image_url="http://cdn.example.com/tee.png",
                  looks={"1": ["S", "javascript:alert(1)"], "2": ["M", "data:image/png;base64,AAAA"],
                         "3": ["L", "https://cdn.example.com/l.png"]})
    assert [variant_image(row, v) for v in ("1", "2", "3")] == [None, None, "https://cdn.example.com/l.png"]
    row.image_url = "https://cdn.example.com/tee.png"
    assert variant_image(row, "1") == "https://cdn.example.com/tee.png"          # the product's, the variant's refused
    assert variant_image(row, "1", own=True) is None


def test_a_row_from_before_0017_falls_back_to_its_skus_and_is_fetched_again_once(rt, shops):
    shop, asked = shops["shopify"], []

    def fetch(_shop, product_id):
        asked.append(product_id)
        return _seen(product_id=product_id)

    with transaction(rt.sessions) as session:
        session.add(Product(shop_id=shop.id, product_id="20", title="Tee", variants=[list(v) for v in _seen().variants]))
        session.add(Product(shop_id=shop.id, product_id="40", title="Cap", variants=[["41", "CAP", True]]))
    with transaction(rt.sessions) as session:
        old = _product(session, shop)
        assert (old.looks, variant_title(old, "22"), variant_image(old, "22")) == (None, "TEE-M", None)
        order = _order_of(session, shop, ["20", "40"])
        fill_missing_products(session, session.get(Shop, shop.id), order, fetch)
        fill_missing_products(session, session.get(Shop, shop.id), order, fetch)
    assert asked == ["20"]   # the one-variant cap needs no titles; the tee is filled by the first fetch
    with rt.sessions() as session:
        assert variant_title(_product(session, shop), "22") == "Size: M"


def _order_of(session, shop, product_ids):
    """An unsaved order whose lines name these products (fill_missing_products reads only its lines)."""
    return Order(shop_id=shop.id, lines=[OrderLine(line_id=str(i), product_id=p, variant_id=None, title="x",
                                                   quantity=1, unit_price=0) for i, p in enumerate(product_ids)])


def _migrate(engine, step, revision: str) -> None:
    with engine.connect() as conn:
        step(alembic_config(connection=conn), revision)
        conn.commit()


def test_migration_0017_adds_the_looks_and_keeps_the_products(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rk.sqlite3'}")
    _migrate(engine, command.upgrade, "0016")
    with engine.begin() as conn:   # a plain connection: the row names no real shop
        conn.execute(text("INSERT INTO products (id, shop_id, product_id, title, tags, variants, deleted) "
                          "VALUES (1, 1, '7', 'Tee', '[]', '[[\"8\", \"TEE-M\", true]]', 0)"))
    _migrate(engine, command.upgrade, "0017")
    assert {"image_url", "looks"} <= {c["name"] for c in inspect(engine).get_columns("products")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT product_id, variants, image_url, looks FROM products")).all() == [
            ("7", '[["8", "TEE-M", true]]', None, None)]
    _migrate(engine, command.downgrade, "0016")
    assert not {"image_url", "looks"} & {c["name"] for c in inspect(engine).get_columns("products")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT product_id FROM products")).all() == [("7",)]
    engine.dispose()
