"""Alembic runs against the same engine settings as the app (DATABASE_URL or SQLite)."""

from alembic import context
from sqlmodel import SQLModel

import shop_core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from shop_core.db import get_engine
from shop_core.migrations import include_name

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection") or get_engine()
    if hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
