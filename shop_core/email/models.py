"""The email queue table: every message is stored before delivery, so none is lost."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class EmailStatus(StrEnum):
    QUEUED = "queued"  # waiting for (another) delivery attempt
    SENT = "sent"  # accepted by the SMTP server
    OUTBOX = "outbox"  # written to the outbox folder (no SMTP configured)
    FAILED = "failed"  # retries exhausted; last_error says why


class EmailMessage(SQLModel, table=True):
    __tablename__ = "email_messages"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=255)
    template: str = Field(max_length=64, index=True)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default=EmailStatus.QUEUED, max_length=16, index=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=timestamp(index=True))
    sent_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
