"""Who made each story correction, its target section, and whether it was undone.

A database made before this revision existed may already have the columns (the old runner
created story_overrides from the current table definition), so only missing ones are added.
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0004_corrections"
down_revision = "web_0003_search"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("author", sa.String, nullable=False, server_default=""),
        sa.Column("target", sa.String, nullable=False, server_default=""),
        sa.Column("undone", sa.String),
        sa.Column("undone_by", sa.String),
    ]


def upgrade() -> None:
    have = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("story_overrides")}
    for column in _columns():
        if column.name not in have:
            op.add_column("story_overrides", column)


def downgrade() -> None:
    for column in _columns():
        op.drop_column("story_overrides", column.name)
