"""Apply Alembic migrations from code (shopctl, tests) with the project's alembic.ini."""

from __future__ import annotations

from alembic.config import Config

from alembic import command
from shop_core.catalog.search import SEARCH_TABLES
from shop_core.settings import PROJECT_DIR


def include_name(name, type_, parent_names) -> bool:
    """Search tables are hand-written per database (FTS5 / tsvector), not model-managed."""
    if type_ == "table":
        return name not in SEARCH_TABLES and not (name or "").startswith("product_search_")
    return True


def alembic_config() -> Config:
    return Config(str(PROJECT_DIR / "alembic.ini"))


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)
