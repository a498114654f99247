"""Full-text search over reports and items, each dialect with its own engine.

SQLite: `search_fts`, an FTS5 table of jieba-segmented words under the rowid of `search_docs`.
PostgreSQL: a `words` tsvector column of `search_docs` (the same segmented words, `simple`
configuration: no stemming or stop words, which suits segmented Chinese) with a GIN index.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = "web_0003_search"
down_revision = "web_0002_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    extra = [sa.Column("words", TSVECTOR, nullable=False)] if postgres else []
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ref", sa.Text, nullable=False, unique=True),
        sa.Column("date", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False, server_default=""),
        sa.Column("section", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False, server_default=""),
        *extra,
    )
    op.create_index("search_docs_date", "search_docs", ["date"])
    if postgres:
        op.create_index("search_docs_words", "search_docs", ["words"], postgresql_using="gin")
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(words, tokenize='porter unicode61')")
    op.create_table(
        "search_state",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("search_state")
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_docs")
