"""case-insensitive unique SKU index

Revision ID: 5a1c0de5b7e1
Revises: e2a4dfcd07db
Create Date: 2026-11-21 20:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5a1c0de5b7e1"
down_revision: str | None = "e2a4dfcd07db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE UNIQUE INDEX ux_variants_sku_upper ON variants (upper(sku))")


def downgrade() -> None:
    op.execute("DROP INDEX ux_variants_sku_upper")
