"""Migrations build the whole schema from empty, and the models have not drifted from them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import shop_core.models  # noqa: F401
from shop_core.db import get_engine
from shop_core.migrations import include_name


def test_models_match_migrations():
    # The session fixture ran `alembic upgrade head` on an empty database.
    with get_engine().connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; run alembic revision --autogenerate: {diff}"


def test_every_table_exists():
    from sqlalchemy import inspect

    existing = set(inspect(get_engine()).get_table_names())
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= existing
