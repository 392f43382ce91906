"""full-text search over articles

SQLite: an external-content FTS5 table `article_fts` over article(title, summary, text, lang),
kept in sync by triggers. PostgreSQL: a generated `search_vector` tsvector column with a GIN index.
Neither is in `storage.tables` (SQLModel cannot describe them); `storage.search` queries them
with raw SQL. Existing rows are indexed here: FTS5 'rebuild', and PostgreSQL computes a stored
generated column for every row when the column is added.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# `lang` is indexed too, so a language filter is part of the MATCH and is answered by the
# index instead of by reading every matching article row. unicode61 folds case in every
# script and, with remove_diacritics 2, "wodą" to "woda", so a query typed without Polish
# letters still matches. The stem prefix queries of storage.search ("лити"* for "литий") are
# range scans of the term index; FTS5 prefix indexes (prefix='3 4 5') made them no faster
# here but doubled the cost of indexing each article (1.23 vs 0.69 ms of an ingest).
_SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE article_fts USING fts5(
        title, summary, text, lang,
        content='article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
        INSERT INTO article_fts(rowid, title, summary, text, lang)
        VALUES (new.id, new.title, new.summary, new.text, new.lang);
    END
    """,
    # An external-content table must be told the old values to remove them from the index.
    """
    CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, summary, text, lang)
        VALUES ('delete', old.id, old.title, old.summary, old.text, old.lang);
    END
    """,
    # Only edits of the indexed columns re-index (not the story_id set right after insert).
    """
    CREATE TRIGGER article_fts_update AFTER UPDATE OF title, summary, text, lang ON article
    BEGIN
        INSERT INTO article_fts(article_fts, rowid, title, summary, text, lang)
        VALUES ('delete', old.id, old.title, old.summary, old.text, old.lang);
        INSERT INTO article_fts(rowid, title, summary, text, lang)
        VALUES (new.id, new.title, new.summary, new.text, new.lang);
    END
    """,
    "INSERT INTO article_fts(article_fts) VALUES ('rebuild')",
]

_SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS article_fts_update",
    "DROP TRIGGER IF EXISTS article_fts_delete",
    "DROP TRIGGER IF EXISTS article_fts_insert",
    "DROP TABLE IF EXISTS article_fts",
]

# 'simple' only lowercases: there is no Kazakh configuration, and a Russian or English stemmer
# would mangle the other languages of a multilingual store; storage.search stems the query
# instead. The body is cut at 100,000 characters because a tsvector is limited to 1 MB and an
# over-long text would make the INSERT fail; the head of an article holds its subject anyway.
_POSTGRES_UPGRADE = [
    """
    ALTER TABLE article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('simple', left(coalesce(text, ''), 100000)), 'C')
    ) STORED
    """,
    "CREATE INDEX ix_article_search_vector ON article USING gin (search_vector)",
]

_POSTGRES_DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_article_search_vector",
    "ALTER TABLE article DROP COLUMN IF EXISTS search_vector",
]


def upgrade() -> None:
    for statement in _statements(_SQLITE_UPGRADE, _POSTGRES_UPGRADE):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(_SQLITE_DOWNGRADE, _POSTGRES_DOWNGRADE):
        op.execute(statement)


def _statements(sqlite: list[str], postgresql: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite
    if dialect == "postgresql":
        return postgresql
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")
