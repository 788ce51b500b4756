"""A record of each long-running job (imports, exports, reports) the admin can follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"

    id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=40, index=True)
    status: str = Field(default="queued", max_length=12, index=True)  # queued/running/done/failed
    created_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    created_at: datetime = Field(sa_column=timestamp(index=True))
    finished_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    message: str = Field(default="", max_length=500)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
