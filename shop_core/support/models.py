"""Tickets, their messages (with staff-only internal notes), attachments, saved replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_updated", "status", "updated_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_category_status", "category", "status"),
        Index("ix_tickets_priority_status", "priority", "status"),
        Index("ix_tickets_resolved_at", "resolved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True, index=True)
    subject: str = Field(max_length=200)
    category: str = Field(max_length=40)
    description: str = Field(sa_column=Column(Text, nullable=False))
    order_number: str | None = Field(default=None, max_length=20, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    contact_email: str = Field(max_length=254, index=True)
    contact_name: str = Field(max_length=120)
    priority: str = Field(default="normal", max_length=10)
    status: str = Field(default="open", max_length=24)
    assignee_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_column=timestamp(index=True))
    updated_at: datetime = Field(sa_column=timestamp())
    first_response_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    due_at: datetime = Field(sa_column=timestamp(default=False, index=True))


class TicketMessage(SQLModel, table=True):
    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ticket_created", "ticket_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id")
    author_id: int | None = Field(default=None, foreign_key="users.id")
    author_role: str = Field(max_length=10)  # customer, staff, system
    author_name: str = Field(max_length=120)
    body: str = Field(sa_column=Column(Text, nullable=False))
    internal: bool = False
    created_at: datetime = Field(sa_column=timestamp())


class TicketAttachment(SQLModel, table=True):
    __tablename__ = "ticket_attachments"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="ticket_messages.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=60)
    size: int
    storage_key: str = Field(max_length=200, unique=True)


class SavedReply(SQLModel, table=True):
    __tablename__ = "saved_replies"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=120, unique=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
