"""The collector's sources and fetch state, its fetch log and the article cache."""

import sqlalchemy as sa
from alembic import op

revision = "0002_sources_fetch_log_articles"
down_revision = "0001_items"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("url", sa.String, nullable=False),
        sa.Column("source_kind", sa.String, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("lang", sa.String, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("origin", sa.String, nullable=False),
        sa.Column("etag", sa.String),
        sa.Column("last_modified", sa.String),
        sa.Column("last_success", sa.String),
        sa.Column("last_error", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False),
    )
    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String, nullable=False, index=True),
        sa.Column("url", sa.String, nullable=False),
        sa.Column("started", sa.String, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "articles",
        sa.Column("url", sa.String, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("fetched", sa.String, nullable=False),
        sa.Column("status", sa.Integer),
    )


def downgrade() -> None:
    for name in ("articles", "fetch_log", "sources"):
        op.drop_table(name)
