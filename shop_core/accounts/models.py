"""Tables for users, login sessions, refresh tokens and password-reset tokens."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="customer", max_length=32, index=True)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=timestamp(index=True))
    last_login_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class AuthSession(SQLModel, table=True):
    """One sign-in: the refresh-token family of an API client, or a browser session.

    Revoking the session (logout) kills its refresh tokens, its access tokens and the
    browser cookie at once.
    """

    __tablename__ = "auth_sessions"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    channel: str = Field(max_length=8)  # "api" or "web"
    secret_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(sa_column=timestamp())
    expires_at: datetime = Field(sa_column=timestamp(default=False))
    revoked_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class RefreshToken(SQLModel, table=True):
    """A single-use refresh token (its JWT id); using one twice revokes the whole session."""

    __tablename__ = "refresh_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(foreign_key="auth_sessions.id", index=True)
    created_at: datetime = Field(sa_column=timestamp())
    used_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class PasswordResetToken(SQLModel, table=True):
    __tablename__ = "password_reset_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = Field(sa_column=timestamp())
    expires_at: datetime = Field(sa_column=timestamp(default=False))
    used_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
