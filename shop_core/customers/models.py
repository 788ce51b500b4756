"""Customer tags and saved rule-based segments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from shop_core.accounts.models import User
from shop_core.models_base import timestamp


class CustomerTag(SQLModel, table=True):
    __tablename__ = "customer_tags"
    __table_args__ = (UniqueConstraint("user_id", "tag", name="uq_customer_tags_user_tag"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    tag: str = Field(max_length=40, index=True)
    created_at: datetime = Field(sa_column=timestamp())


class Segment(SQLModel, table=True):
    __tablename__ = "segments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    description: str = Field(default="", max_length=500)
    match: str = Field(default="all", max_length=8)  # "all" (AND) or "any" (OR)
    rules: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_by: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_column=timestamp())
    updated_at: datetime = Field(sa_column=timestamp())


# Customer search (name/email substring, ILIKE) is served by trigram indexes on PostgreSQL;
# on SQLite these are plain indexes (the dialect options are ignored there).
_users = User.__table__
Index(
    "ix_users_name_trgm",
    _users.c.name,
    postgresql_using="gin",
    postgresql_ops={"name": "gin_trgm_ops"},
)
Index(
    "ix_users_email_trgm",
    _users.c.email,
    postgresql_using="gin",
    postgresql_ops={"email": "gin_trgm_ops"},
)
