"""The stock ledger and its read model.

`StockMovement` rows are never updated or deleted. `InventoryItem` holds the running
totals and is written only by `inventory.service.record_movement`, in the same
transaction as the movement, so it always equals the sum of the ledger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from shop_core.models_base import timestamp


class InventoryItem(SQLModel, table=True):
    __tablename__ = "inventory_items"
    __table_args__ = (
        CheckConstraint("on_hand - reserved >= 0", name="ck_inventory_available_non_negative"),
        CheckConstraint("reserved >= 0", name="ck_inventory_reserved_non_negative"),
    )

    variant_id: int = Field(foreign_key="variants.id", primary_key=True, ondelete="CASCADE")
    on_hand: int = Field(default=0)
    reserved: int = Field(default=0)
    low_stock_threshold: int = Field(default=5)
    updated_at: datetime = Field(sa_column=timestamp())


class StockMovement(SQLModel, table=True):
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_variant_created", "variant_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    variant_id: int = Field(foreign_key="variants.id", ondelete="CASCADE")
    kind: str = Field(max_length=16, index=True)
    on_hand_delta: int = Field(default=0)
    reserved_delta: int = Field(default=0)
    reason: str = Field(default="", max_length=200)
    reference: str | None = Field(default=None, max_length=64, index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_column=timestamp())
