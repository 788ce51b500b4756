"""Plain views of orders for customers, guests and staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class OrderLine(BaseModel):
    sku: str
    title: str
    variant_title: str
    option_values: dict[str, Any]
    image: str | None
    unit_price: int
    quantity: int
    line_total: int
    product_id: int | None = None
    variant_id: int | None = None


class Totals(BaseModel):
    subtotal: int
    discount_total: int
    shipping_total: int
    tax_total: int
    total: int
    amount_paid: int
    amount_refunded: int
    currency: str


class ShipmentOut(BaseModel):
    carrier: str
    tracking_number: str
    tracking_url: str | None
    shipped_at: datetime
    delivered_at: datetime | None


class TimelineEntry(BaseModel):
    created_at: datetime
    kind: str
    message: str
    internal: bool = False


class RefundOut(BaseModel):
    amount: int
    reason: str
    restocked: bool
    created_at: datetime


class OrderSummary(BaseModel):
    number: str
    status: str
    email: str
    total: int
    currency: str
    item_count: int
    created_at: datetime
    needs_attention: bool = False


class OrderOut(BaseModel):
    number: str
    status: str
    email: str
    items: list[OrderLine]
    totals: Totals
    total: int
    currency: str
    shipping_method: str
    shipping_address: dict[str, Any]
    shipments: list[ShipmentOut]
    timeline: list[TimelineEntry]
    refunds: list[RefundOut] = []
    created_at: datetime
    paid_at: datetime | None
    payment_provider: str
    needs_attention: bool = False
    user_id: int | None = None
