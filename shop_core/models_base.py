"""Column helpers shared by every domain's models."""

from __future__ import annotations

from sqlalchemy import Column

from shop_core.db import UTCDateTime, utcnow


def timestamp(*, nullable: bool = False, index: bool = False, default: bool = True) -> Column:
    """A UTC timestamp column (a fresh Column object for each model field)."""
    return Column(
        UTCDateTime(),
        nullable=nullable,
        index=index,
        default=utcnow if default and not nullable else None,
    )
