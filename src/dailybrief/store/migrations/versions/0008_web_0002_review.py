"""Report versions, review state and review history."""

import sqlalchemy as sa
from alembic import op

revision = "web_0002_review"
down_revision = "web_0001_users_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author", sa.String, nullable=False),
        sa.Column("created", sa.String, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("flags", sa.Text, nullable=False),
        sa.UniqueConstraint("date", "language", "version"),
    )
    op.create_table(
        "report_reviews",
        sa.Column("date", sa.String, primary_key=True),
        sa.Column("language", sa.String, primary_key=True),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("digest", sa.String, nullable=False),
        sa.Column("updated", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("approved_by", sa.String),
        sa.Column("approved_at", sa.String),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False, index=True),
        sa.Column("language", sa.String, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("version", sa.Integer),
    )


def downgrade() -> None:
    for name in ("review_events", "report_reviews", "report_versions"):
        op.drop_table(name)
