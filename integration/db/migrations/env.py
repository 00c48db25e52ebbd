"""Alembic environment: runs on the connection or URL that integration.db.migrate hands over."""
from alembic import context
from sqlalchemy import pool

from integration.db.base import Base
from integration.db.engine import make_engine
import integration.db.models  # noqa: F401  (registers the tables)
import integration.db.order_models  # noqa: F401
import integration.db.request_models  # noqa: F401
import integration.db.evidence_models  # noqa: F401
import integration.db.signin_models  # noqa: F401
import integration.db.notify_models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
