"""Built reports, one per date and language."""

import sqlalchemy as sa
from alembic import op

revision = "0003_reports"
down_revision = "0002_sources_fetch_log_articles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("created", sa.String, nullable=False),
        sa.UniqueConstraint("date", "language"),
    )


def downgrade() -> None:
    op.drop_table("reports")
