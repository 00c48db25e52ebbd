"""Migration 0016 adds the order anchors' columns on SQLite, keeps the rows there, and goes back."""
from alembic import command
from sqlalchemy import create_engine, inspect, text

from integration.db.migrate import alembic_config

NEW = {"orders": {"event_at", "milestones", "total_price", "amount_paid", "customer_tags", "customer_orders_count"},
       "order_lines": {"production_started_at"}, "fulfillments": {"shipped_at"}}


def _migrate(engine, step, revision: str) -> None:
    with engine.connect() as conn:
        step(alembic_config(connection=conn), revision)
        conn.commit()


def _columns(engine) -> dict[str, set[str]]:
    found = inspect(engine)
    return {table: {c["name"] for c in found.get_columns(table)} for table in NEW}


def test_the_anchor_columns_come_and_go(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rk.sqlite3'}")
    _migrate(engine, command.upgrade, "0015")
    assert all(not (_columns(engine)[table] & names) for table, names in NEW.items())
    with engine.begin() as conn:   # a plain connection: the row names no real shop
        conn.execute(text("INSERT INTO orders (id, shop_id, order_id, currency, placed_at, platform_updated_at, "
                          "deleted, tags, is_gift, shipping_paid, refunded_total, shipping_tax) VALUES (1, 1, '7', "
                          "'USD', '2026-12-01', '2026-12-01', 0, '[]', 0, 0, 0, 0)"))
    _migrate(engine, command.upgrade, "0016")
    assert all(names <= _columns(engine)[table] for table, names in NEW.items())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT order_id, event_at, amount_paid, milestones FROM orders")).all() == [
            ("7", None, None, None)]
    _migrate(engine, command.downgrade, "0015")
    assert all(not (_columns(engine)[table] & names) for table, names in NEW.items())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT order_id FROM orders")).all() == [("7",)]
    engine.dispose()
