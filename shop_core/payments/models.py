"""Every webhook event is stored once; its id is the primary key, so a replay is a no-op."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class WebhookEvent(SQLModel, table=True):
    __tablename__ = "webhook_events"

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=80, index=True)
    received_at: datetime = Field(sa_column=timestamp())
    order_number: str | None = Field(default=None, max_length=20, index=True)
    outcome: str = Field(default="", max_length=200)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
