"""Items keyed by canonical URL."""

import sqlalchemy as sa
from alembic import op

revision = "0001_items"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String, nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published", sa.String, nullable=False, index=True),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("source_kind", sa.String, nullable=False),
        sa.Column("lang", sa.String, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("score", sa.Integer),
        sa.Column("comments", sa.Integer),
        sa.Column("fetched", sa.String),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("created", sa.String, nullable=False),
        sa.Column("updated", sa.String, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("items")
