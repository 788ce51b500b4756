"""Engine, sessions and the unit of work every service uses.

Services take an explicit session; `unit_of_work()` opens one, commits exactly once
when the block succeeds and rolls back otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, create_engine

from shop_core.settings import get_settings

_engines: dict[str, Engine] = {}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use shop_core.db.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
        # Let the driver stay out of transaction control so BEGIN IMMEDIATE below
        # takes the write lock up front: concurrent writers queue instead of deadlocking.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # pragma: no cover - trivial
        # Readers start a deferred transaction: WAL lets them run beside a writer.
        read_only = conn.get_execution_options().get("shop_read_only", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def get_engine() -> Engine:
    url = get_settings().effective_database_url
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            get_settings().data_dir.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            _configure_sqlite(engine)
        else:
            # No server-side prepared statements: a generic plan for `IN (…500 values…)` made
            # PostgreSQL scan whole tables once psycopg started preparing after 5 runs.
            engine = create_engine(
                url,
                pool_pre_ping=True,
                pool_size=10,
                max_overflow=20,
                connect_args={"prepare_threshold": None},
            )
        _engines[url] = engine
    return engine


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction: commit once on success, roll back on any error.

    An error marked `commit_anyway` (e.g. a replayed refresh token that revoked its
    session) keeps what was written before it was raised.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            if getattr(exc, "commit_anyway", False):
                session.commit()
            else:
                session.rollback()
            raise


@contextmanager
def read_session() -> Iterator[Session]:
    """A session for reads; nothing it does is committed."""
    engine = get_engine().execution_options(shop_read_only=True)
    with Session(engine, expire_on_commit=False) as session:
        yield session
