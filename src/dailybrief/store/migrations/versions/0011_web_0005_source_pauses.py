"""Paused sources (collect skips them until resumed)."""

import sqlalchemy as sa
from alembic import op

revision = "web_0005_source_pauses"
down_revision = "web_0004_corrections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_pauses",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("since", sa.String, nullable=False),
        sa.Column("by", sa.String, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("source_pauses")
