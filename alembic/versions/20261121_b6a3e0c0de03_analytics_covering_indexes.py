"""analytics: covering indexes for sales aggregates (index-only scans on PostgreSQL)

The 90-day dashboard and the yearly reports read orders by paid_at and their lines by
order id; these indexes hold every column those aggregates touch.

Revision ID: b6a3e0c0de03
Revises: b6c2e0c0de02
Create Date: 2026-11-21 22:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b6a3e0c0de03"
down_revision: str | None = "b6c2e0c0de02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORDER_COLUMNS = [
    "paid_at",
    "status",
    "id",
    "amount_paid",
    "subtotal",
    "discount_total",
    "amount_refunded",
]
_ITEM_COLUMNS = ["order_id", "product_id", "quantity", "line_total", "unit_cost"]


def upgrade() -> None:
    op.drop_index("ix_orders_paid_at", table_name="orders")
    op.create_index("ix_orders_paid_sales", "orders", _ORDER_COLUMNS, unique=False)
    op.create_index("ix_order_items_order_cover", "order_items", _ITEM_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_items_order_cover", table_name="order_items")
    op.drop_index("ix_orders_paid_sales", table_name="orders")
    op.create_index("ix_orders_paid_at", "orders", ["paid_at"], unique=False)
