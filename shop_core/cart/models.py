"""Carts and their lines; `unit_price` is a snapshot refreshed whenever the cart is read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class Cart(SQLModel, table=True):
    __tablename__ = "carts"

    id: str = Field(primary_key=True, max_length=43)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    currency: str = Field(default="EUR", max_length=3)
    promotion_code: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=timestamp())
    updated_at: datetime = Field(sa_column=timestamp())
    checked_out_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class CartItem(SQLModel, table=True):
    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("cart_id", "variant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cart_id: str = Field(foreign_key="carts.id", index=True, ondelete="CASCADE")
    variant_id: int = Field(foreign_key="variants.id", ondelete="CASCADE")
    quantity: int
    unit_price: int
    added_at: datetime = Field(sa_column=timestamp())
