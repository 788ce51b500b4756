"""A kept report export: which report, with which parameters, for whom, and its file.

Status and progress live in the export's `JobRun` (same id), so the export reuses the
job machinery every other long job uses (`shop_core.jobs.runs`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class ReportExport(SQLModel, table=True):
    __tablename__ = "report_exports"
    __table_args__ = (
        Index("ix_report_exports_requested_created", "requested_by_id", "created_at"),
    )

    id: str = Field(foreign_key="job_runs.id", primary_key=True, max_length=32)
    kind: str = Field(max_length=40, index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    file_name: str = Field(default="", max_length=200)
    row_count: int = Field(default=0)
    requested_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_column=timestamp(index=True))
    finished_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
