"""Apply Alembic migrations from code (shopctl, tests) with the project's alembic.ini."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from shop_core.settings import PROJECT_DIR


def alembic_config() -> Config:
    return Config(str(PROJECT_DIR / "alembic.ini"))


def upgrade(revision: str = "head") -> None:
    command.upgrade(alembic_config(), revision)
