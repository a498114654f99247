"""What each publish channel was sent for each date, one row per part."""

import sqlalchemy as sa
from alembic import op

revision = "publish_0001_deliveries"
down_revision = "0005_story_engine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False, index=True),
        sa.Column("channel", sa.String, nullable=False),
        sa.Column("part", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("label", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("remote_id", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("digest", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("updated", sa.String, nullable=False),
        sa.UniqueConstraint("date", "channel", "part"),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
