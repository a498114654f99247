"""Queue task records of distributed runs (store/tasks.py): tries, done, dead."""

import sqlalchemy as sa
from alembic import op

revision = "queue_0001_tasks"
down_revision = "publish_0002_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("batch", sa.String, nullable=False, index=True),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("state", sa.String, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("worker", sa.String),
        sa.Column("queued", sa.String, nullable=False),
        sa.Column("started", sa.String),
        sa.Column("finished", sa.String),
        sa.Column("error", sa.Text),
        sa.Column("result", sa.Text),
        sa.UniqueConstraint("batch", "stage", "key"),
    )


def downgrade() -> None:
    op.drop_table("tasks")
