"""Invitation codes and who redeemed them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class Invitation(SQLModel, table=True):
    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    max_uses: int = Field(default=1)
    uses: int = Field(default=0)
    expires_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    disabled_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    created_at: datetime = Field(sa_column=timestamp(index=True))
    created_by_id: int | None = Field(default=None, foreign_key="users.id")


class InvitationRedemption(SQLModel, table=True):
    __tablename__ = "invitation_redemptions"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitations.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    redeemed_at: datetime = Field(sa_column=timestamp())
