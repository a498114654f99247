"""The story engine: embedding cache, story builds with members and merge log, editor overrides.

The vector column is a float32 blob on SQLite and `real[]` on PostgreSQL (`store.types.Vector`).
"""

import sqlalchemy as sa
from alembic import op

from dailybrief.store.types import Vector

revision = "0005_story_engine"
down_revision = "0004_llm_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embeddings",
        sa.Column("model", sa.String, primary_key=True),
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("vector", Vector, nullable=False),
        sa.Column("created", sa.String, nullable=False),
    )
    op.create_table(
        "story_builds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String, nullable=False, index=True),
        sa.Column("created", sa.String, nullable=False),
        sa.Column("embedder", sa.String, nullable=False),
        sa.Column("method", sa.String, nullable=False),
    )
    op.create_table(
        "story_members",
        sa.Column(
            "build", sa.Integer, sa.ForeignKey("story_builds.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("story", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("item_url", sa.String, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False),
    )
    op.create_table(
        "story_merges",
        sa.Column(
            "build", sa.Integer, sa.ForeignKey("story_builds.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("story", sa.String, nullable=False),
        sa.Column("item_url", sa.String, nullable=False),
        sa.Column("into_url", sa.String, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "story_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("urls", sa.Text, nullable=False),
        sa.Column("date", sa.String, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created", sa.String, nullable=False),
    )


def downgrade() -> None:
    for name in ("story_overrides", "story_merges", "story_members", "story_builds", "embeddings"):
        op.drop_table(name)
