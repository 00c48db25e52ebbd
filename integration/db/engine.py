"""Engines and sessions: SQLite tuned for many processes (WAL, busy timeout), PostgreSQL via psycopg 3."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


WAL_AUTOCHECKPOINT_PAGES = 10_000


def _tune_sqlite(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets readers run beside the one writer; the busy timeout makes concurrent writers wait
    # instead of failing with "database is locked" when several workers start at once.
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # A commit that takes the WAL past this many pages copies them into the database file and syncs it, there and
    # then: at SQLite's default (1,000 pages, about 140 deliveries) that fell on a webhook request every few
    # hundred milliseconds under load. The embedded worker checkpoints every second (jobs/feeder.py); this is
    # the bound when it is not running (about 40 MB of WAL).
    cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


PRIVATE = 0o600
# SQLite's companions of a database file: it creates each with the database file's own mode.
_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_sqlite_file(url: str) -> None:
    """Create the embedded database file readable by its owner only, and make an older one (and its WAL) so."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:   # evidence photos and raw webhook bodies live in it: 0600, as the key beside it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except (FileExistsError, FileNotFoundError):   # made already (by another process), or no directory for it yet
        pass
    for companion in _COMPANIONS:
        try:
            os.chmod(f"{path}{companion}", PRIVATE)
        except (FileNotFoundError, PermissionError):   # absent, or another user's file: SQLite says so on connect
            pass


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for the URL, with SQLite tuned for concurrent processes (its files private to their owner)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        private_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]):
    """A session in one transaction: committed on success, rolled back on error."""
    with factory() as session, session.begin():
        yield session
