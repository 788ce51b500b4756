"""analytics: report exports, indexes for sales/refund/ticket time ranges

Revision ID: b6a1e0c0de01
Revises: 5a1c0de5b7e1
Create Date: 2026-11-21 22:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import shop_core.db
from alembic import op

revision: str = "b6a1e0c0de01"
down_revision: str | None = "5a1c0de5b7e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_exports",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shop_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", shop_core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["id"], ["job_runs.id"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report_exports", schema=None) as batch_op:
        batch_op.create_index("ix_report_exports_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_report_exports_kind", ["kind"], unique=False)
        batch_op.create_index(
            "ix_report_exports_requested_created",
            ["requested_by_id", "created_at"],
            unique=False,
        )
    op.create_index("ix_orders_paid_at", "orders", ["paid_at"], unique=False)
    op.create_index("ix_refunds_created_at", "refunds", ["created_at"], unique=False)
    op.create_index("ix_tickets_resolved_at", "tickets", ["resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_resolved_at", table_name="tickets")
    op.drop_index("ix_refunds_created_at", table_name="refunds")
    op.drop_index("ix_orders_paid_at", table_name="orders")
    with op.batch_alter_table("report_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_report_exports_requested_created")
        batch_op.drop_index("ix_report_exports_kind")
        batch_op.drop_index("ix_report_exports_created_at")
    op.drop_table("report_exports")
