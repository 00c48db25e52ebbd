"""The webhook inbox: store each accepted delivery once (deduplicated) before anything else happens."""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

import orjson
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from integration.db.base import utcnow
from integration.db.models import WebhookDelivery

# Headers worth keeping with a delivery (never the signature, never anything personal).
KEPT_HEADERS = ("x-shopify-topic", "x-shopify-shop-domain", "x-shopify-webhook-id", "x-shopify-event-id",
                "x-shopify-api-version", "x-shopify-triggered-at", "x-wc-webhook-topic", "x-wc-webhook-source",
                "x-wc-webhook-id", "x-wc-webhook-delivery-id", "x-wc-webhook-resource", "x-wc-webhook-event")


@dataclass(frozen=True)
class Incoming:
    platform: str
    topic: str
    dedupe_key: str
    headers: dict
    body: bytes
    status: str                 # received (to process) | ignored
    delivery_id: str | None = None
    event_id: str | None = None
    resource_id: str | None = None
    customer_ref: str | None = None
    note: str | None = None
    version_key: str | None = None   # known when stored only for a sweep's delivery; the worker sets the rest


def kept_headers(headers) -> dict:
    """The delivery headers we store: platform metadata only."""
    return {k.lower(): v for k, v in headers.items() if k.lower() in KEPT_HEADERS}


def _insert(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = WebhookDelivery.__table__
    # No conflict target: a repeated delivery key, or a sweep's version already held, each leave the row unwritten.
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


# Built once per dialect: the statement is compiled once and cached, the values travel as parameters.
_INSERTS = {name: _insert(name) for name in ("sqlite", "postgresql")}


# The dedupe key's column size (integration/db/models.py): PostgreSQL refuses a longer value, SQLite would keep it.
KEY_LIMIT = 255


def stored_key(key: str) -> str:
    """The dedupe key as the inbox keeps it: NUL spelled out (PostgreSQL text cannot hold it), a long one as its
    SHA-256, so a webhook and a sweep of one version still meet on the same key."""
    text = key.replace("\x00", "\\u0000")
    return text if len(text) <= KEY_LIMIT else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _stored_version(key: str | None) -> str | None:
    return None if key is None else stored_key(key)


def _values(shop_id: int, incoming: Incoming) -> dict:
    return dict(shop_id=shop_id, platform=incoming.platform, topic=incoming.topic,
                dedupe_key=stored_key(incoming.dedupe_key), version_key=_stored_version(incoming.version_key),
                delivery_id=incoming.delivery_id, event_id=incoming.event_id,
                resource_id=incoming.resource_id, customer_ref=incoming.customer_ref, headers=incoming.headers,
                body=incoming.body, status=incoming.status, error=incoming.note, attempts=0, received_at=utcnow())


def store_delivery(conn: Connection, shop_id: int, incoming: Incoming) -> int | None:
    """Insert the delivery; its row id, or None when the same delivery was stored before."""
    return conn.execute(_INSERTS[conn.dialect.name], _values(shop_id, incoming)).scalar_one_or_none()


class InboxWriter:
    """The receiver's one-statement inbox insert, on the driver's own connection.

    The statement is compiled once per process with its column types' converters, so a delivery pays
    for the database's work only: SQLAlchemy's per-execution machinery (context, result, transaction
    objects) cost as much as SQLite's own insert and commit. Errors come out as SQLAlchemy's.
    """

    def __init__(self, engine: Engine):
        self._engine, dialect = engine, engine.dialect
        sample = _values(0, Incoming("", "", "", {}, b"", ""))
        compiled = _INSERTS[dialect.name].compile(dialect=dialect, column_keys=list(sample))
        self._sql, self._order = compiled.string, compiled.positiontup   # positiontup: None for named styles
        columns = WebhookDelivery.__table__.c
        self._convert = {key: columns[key].type.bind_processor(dialect) for key in sample}
        # A flat dict of header strings: orjson writes JSON the column reads back as json.dumps' would be, 20x faster.
        self._convert["headers"] = lambda headers: orjson.dumps(headers).decode()
        self._autocommit = dialect.name == "postgresql"
        self._keep, self._kept = dialect.name == "sqlite", threading.local()

    def _params(self, values: dict):
        converted = {key: convert(values[key]) if convert else values[key] for key, convert in self._convert.items()}
        return tuple(converted[key] for key in self._order) if self._order else converted

    def store(self, shop_id: int, incoming: Incoming) -> int | None:
        """Insert and commit; the new row's id, or None when the same delivery was stored before."""
        params = self._params(_values(shop_id, incoming))
        dbapi = self._engine.dialect.loaded_dbapi
        raw, failed = self._checkout(), True
        try:
            row_id, failed = self._execute(raw, params), False
            return row_id
        except dbapi.Error as exc:
            if self._engine.dialect.is_disconnect(exc, raw.dbapi_connection, None):
                raw.invalidate(exc)
            raise DBAPIError.instance(self._sql, params, exc, dbapi.Error, hide_parameters=True) from exc
        finally:
            self._give_back(raw, failed)

    def _checkout(self):
        # SQLite: each thread keeps its connection (an open file: nothing to go stale), sparing the pool's
        # checkout and reset for every delivery. PostgreSQL: from the pool, pre-pinged, per delivery.
        if not self._keep:
            return self._engine.raw_connection()
        kept = getattr(self._kept, "raw", None)
        if kept is None or kept[0] != os.getpid():   # never a connection opened before a fork
            self._kept.raw = kept = (os.getpid(), self._engine.raw_connection())
        return kept[1]

    def _give_back(self, raw, failed: bool) -> None:
        if self._keep and not failed:
            return
        if self._keep:
            self._kept.raw = None   # a failed connection is not kept: the next delivery checks out a fresh one
        raw.close()   # back to the pool, which rolls back anything left open

    def _execute(self, raw, params) -> int | None:
        driver = raw.driver_connection
        if self._autocommit:
            # The insert is atomic on its own: autocommit spares PostgreSQL's BEGIN and COMMIT round trips.
            driver.autocommit = True
        try:
            cursor = raw.cursor()
            cursor.execute(self._sql, params)
            row = cursor.fetchone()
            cursor.close()
            if not self._autocommit:
                raw.commit()
            return row[0] if row else None
        finally:
            if self._autocommit:
                driver.autocommit = False


def pending_deliveries(session: Session, older_than) -> list[int]:
    """Ids of deliveries received before `older_than` and still not processed (their queue message was lost)."""
    return list(session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == "received", WebhookDelivery.received_at < older_than).order_by(WebhookDelivery.id)))
