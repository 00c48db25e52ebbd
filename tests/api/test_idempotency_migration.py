"""Migration 0013 moves the body out of an API request's source_ref into request_fingerprint, so the unique
source_ref is the caller and key alone; requests taken before it keep answering their keys, and it goes back."""
from alembic import command
from sqlalchemy import create_engine, text

from integration.db.migrate import alembic_config

OLD = {1: ("api", "idem:scope1:body1"), 2: ("api", "idem:scope1:body2"),    # one key taken twice (the old race)
       3: ("api", "idem:scope2:body3"), 4: ("api", "page:7:nonce"), 5: ("shopify_return", "4441")}


def _migrate(engine, step, revision: str) -> None:
    with engine.connect() as conn:   # a plain connection: the rows below name no real shop or order
        step(alembic_config(connection=conn), revision)
        conn.commit()


def _refs(engine, columns: str) -> dict:
    with engine.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(text(f"SELECT id, {columns} FROM return_cases"))}


def test_old_keys_are_split_and_joined_again(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _migrate(engine, command.upgrade, "0012_hardening")
    with engine.begin() as conn:
        for case_id, (source, ref) in OLD.items():
            conn.execute(text("INSERT INTO return_cases (id, shop_id, order_pk, source, source_ref, request, status, "
                              "created_at) VALUES (:id, 1, 1, :source, :ref, '{}', 'decided', '2026-12-01')"),
                         {"id": case_id, "source": source, "ref": ref})
    _migrate(engine, command.upgrade, "0013")
    assert _refs(engine, "source_ref, request_fingerprint") == {
        1: ("idem:scope1", "body1"), 2: ("idem:scope1:body2", "body2"), 3: ("idem:scope2", "body3"),
        4: ("page:7:nonce", None), 5: ("4441", None)}
    _migrate(engine, command.downgrade, "0012_hardening")
    assert _refs(engine, "source, source_ref") == OLD
    engine.dispose()
