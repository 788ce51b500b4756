"""Orders and everything that happens to them.

Items and the shipping address are a snapshot taken at checkout; they are never updated
afterwards (a mapper event refuses it). Later changes are refunds, shipments and
timeline events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_created", "status", "created_at"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        # Sales analytics filter and bucket by the payment time; the index covers every
        # column their aggregates read, for index-only scans (shop_core/analytics).
        Index(
            "ix_orders_paid_sales",
            "paid_at",
            "status",
            "id",
            "amount_paid",
            "subtotal",
            "discount_total",
            "amount_refunded",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    email: str = Field(max_length=254, index=True)
    status: str = Field(default="pending_payment", max_length=20, index=True)
    currency: str = Field(max_length=3)
    subtotal: int
    discount_total: int = 0
    shipping_total: int = 0
    tax_total: int = 0
    total: int
    amount_paid: int = 0
    amount_refunded: int = 0
    shipping_method: str = Field(max_length=32)
    shipping_address: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    promotion_code: str | None = Field(default=None, max_length=64)
    payment_provider: str = Field(max_length=16)
    payment_session_id: str | None = Field(default=None, max_length=255, unique=True)
    payment_intent_id: str | None = Field(default=None, max_length=255, index=True)
    cart_id: str | None = Field(default=None, max_length=43)
    needs_attention: bool = Field(default=False, index=True)
    created_at: datetime = Field(sa_column=timestamp(index=True))
    expires_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    paid_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class OrderItem(SQLModel, table=True):
    __tablename__ = "order_items"
    # Covers the sales aggregates' join from orders to their lines (shop_core/analytics).
    __table_args__ = (
        Index(
            "ix_order_items_order_cover",
            "order_id",
            "product_id",
            "quantity",
            "line_total",
            "unit_cost",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    variant_id: int | None = Field(
        default=None, foreign_key="variants.id", index=True, ondelete="SET NULL"
    )
    product_id: int | None = Field(default=None, index=True)
    product_title: str = Field(max_length=200)
    variant_title: str = Field(default="", max_length=200)
    sku: str = Field(max_length=64)
    option_values: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    image: str | None = Field(default=None, max_length=500)
    unit_price: int
    unit_cost: int | None = None
    quantity: int
    line_total: int


class OrderEvent(SQLModel, table=True):
    """The order's timeline; `internal` notes are for staff only."""

    __tablename__ = "order_events"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    created_at: datetime = Field(sa_column=timestamp())
    kind: str = Field(max_length=40)
    message: str = Field(sa_column=Column(Text, nullable=False))
    internal: bool = False
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Shipment(SQLModel, table=True):
    __tablename__ = "shipments"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=100)
    tracking_url: str | None = Field(default=None, max_length=500)
    shipped_at: datetime = Field(sa_column=timestamp())
    delivered_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class Refund(SQLModel, table=True):
    __tablename__ = "refunds"
    __table_args__ = (Index("ix_refunds_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    amount: int
    reason: str = Field(default="", max_length=500)
    restocked: bool = False
    provider_refund_id: str | None = Field(default=None, max_length=255, unique=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_column=timestamp())


class Address(SQLModel, table=True):
    """A customer's saved address book entry."""

    __tablename__ = "addresses"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=120)
    line1: str = Field(max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str = Field(max_length=120)
    region: str | None = Field(default=None, max_length=120)
    postal_code: str = Field(max_length=20)
    country: str = Field(max_length=2)
    is_default: bool = False


class IdempotencyRecord(SQLModel, table=True):
    """The stored answer to a money-moving request, replayed for the same key and body."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=40)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=timestamp(index=True))
