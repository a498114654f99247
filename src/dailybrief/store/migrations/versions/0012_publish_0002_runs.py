"""The daily job's run records and per-date locks."""

import sqlalchemy as sa
from alembic import op

revision = "publish_0002_runs"
down_revision = "web_0005_source_pauses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False, index=True),
        sa.Column("trigger", sa.String, nullable=False),
        sa.Column("owner", sa.String, nullable=False),
        sa.Column("started", sa.String, nullable=False),
        sa.Column("finished", sa.String),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("stages", sa.Text, nullable=False),
        sa.Column("deliveries", sa.Text, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "run_locks",
        sa.Column("date", sa.String, primary_key=True),
        sa.Column("owner", sa.String, nullable=False),
        sa.Column("acquired", sa.String, nullable=False),
        sa.Column("expires", sa.String, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_locks")
    op.drop_table("runs")
