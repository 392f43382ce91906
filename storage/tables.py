"""SQLModel tables. Rows stay in `storage` and `bot.services`; the rest of Dala sees frozen values.

Follows SQLModel's multiple-models pattern: a `...Base` with the shared fields, the `table=True`
model, and a `...Create` used by the repositories to validate what goes in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    SQLite keeps no time zone, so values are stored as naive UTC and made aware again on the way
    out; PostgreSQL gets `timestamptz`. A naive datetime going in is a bug, so it is refused.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the database; use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime(), **kwargs)


# --- sources ---------------------------------------------------------------------------------


class SourceBase(SQLModel):
    kind: str = Field(max_length=16)  # file | feed | page
    locator: str = Field(max_length=2048, unique=True)
    title: str | None = Field(default=None, max_length=512)


class Source(SourceBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    created_at: datetime = _ts(default_factory=utcnow)
    last_fetch_at: datetime | None = _ts(default=None)
    last_ok_at: datetime | None = _ts(default=None)
    last_error: str | None = Field(default=None, max_length=2048)
    error_count: int = 0
    interval_s: int = 900
    next_fetch_at: datetime | None = _ts(default=None, index=True)
    active: bool = True


class SourceCreate(SourceBase):
    pass


# --- articles and topics -----------------------------------------------------------------------


class ArticleBase(SQLModel):
    url: str | None = Field(default=None, max_length=2048, unique=True)
    title: str = Field(max_length=1024)
    text: str
    summary: str
    lang: str = Field(max_length=8, index=True)
    published_at: datetime | None = _ts(default=None)


class Article(ArticleBase, table=True):
    __table_args__ = (
        sa.Index("ix_article_ingested_at", "ingested_at"),
        *(sa.Index(f"ix_article_lsh{i}", f"lsh{i}") for i in range(8)),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", ondelete="SET NULL")
    #: sha256 of the normalised text: the same article with other whitespace or markup.
    content_hash: str = Field(max_length=64, unique=True)
    #: MinHash sketch of the word shingles (see bot.core.fingerprint) and its eight band
    #: hashes, indexed so reprints are found by an index lookup, not a scan.
    sketch: str = Field(max_length=128)
    lsh0: int = Field(sa_type=sa.BigInteger())
    lsh1: int = Field(sa_type=sa.BigInteger())
    lsh2: int = Field(sa_type=sa.BigInteger())
    lsh3: int = Field(sa_type=sa.BigInteger())
    lsh4: int = Field(sa_type=sa.BigInteger())
    lsh5: int = Field(sa_type=sa.BigInteger())
    lsh6: int = Field(sa_type=sa.BigInteger())
    lsh7: int = Field(sa_type=sa.BigInteger())
    #: The article this one is a reprint of (its own id when it is the first of its story).
    story_id: int | None = Field(default=None, index=True)
    ingested_at: datetime = _ts(default_factory=utcnow)


class ArticleCreate(ArticleBase):
    source_id: int | None = None
    content_hash: str
    sketch: str


class Topic(SQLModel, table=True):
    """A copy of the taxonomy's topic ids, so links and subscriptions have a foreign key."""

    id: str = Field(primary_key=True, max_length=64)
    name_en: str = Field(max_length=256)


class ArticleTopic(SQLModel, table=True):
    __tablename__ = "article_topic"
    __table_args__ = (sa.Index("ix_article_topic_topic_score", "topic_id", "score"),)

    article_id: int = Field(foreign_key="article.id", primary_key=True, ondelete="CASCADE")
    topic_id: str = Field(foreign_key="topic.id", primary_key=True, max_length=64)
    score: float
    #: The matched terms, space separated: the explanation shown to users.
    terms: str = Field(default="", max_length=2048)


# --- users, subscriptions, deliveries (used by the conversation and delivery issues) -----------


class User(SQLModel, table=True):
    __tablename__ = "bot_user"
    __table_args__ = (sa.Index("ix_bot_user_due", "active", "paused", "next_digest_at"),)

    id: int = Field(sa_type=sa.BigInteger(), primary_key=True)  # Telegram user id
    chat_id: int = Field(sa_type=sa.BigInteger())
    language: str = Field(default="en", max_length=8)
    timezone: str = Field(default="UTC", max_length=64)
    digest_time: str = Field(default="08:00", max_length=5)  # HH:MM, local
    frequency: str = Field(default="daily", max_length=8)  # daily | weekly | off
    alerts: bool = False
    article_langs: str = Field(default="", max_length=128)  # comma separated; empty = all
    paused: bool = False
    active: bool = True  # False once Telegram says blocked / deactivated / chat not found
    next_digest_at: datetime | None = _ts(default=None)
    last_digest_at: datetime | None = _ts(default=None)
    #: A delivery process that claimed this user's due digest holds it until then; a process
    #: that dies lets the claim lapse and another one takes the user over.
    claimed_until: datetime | None = _ts(default=None)
    claimed_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    # NULLs are distinct in a unique constraint, so the (user, topic, keyword) constraint lets
    # two taps that race insert the same topic twice; the partial indexes (migration 0003) make
    # a topic, and a keyword in any letter case, unique per user.
    __table_args__ = (
        sa.UniqueConstraint("user_id", "topic_id", "keyword"),
        sa.Index(
            "ux_subscription_user_topic",
            "user_id",
            "topic_id",
            unique=True,
            sqlite_where=sa.text("topic_id IS NOT NULL"),
            postgresql_where=sa.text("topic_id IS NOT NULL"),
        ),
        sa.Index(
            "ux_subscription_user_keyword",
            "user_id",
            sa.text("lower(keyword)"),
            unique=True,
            sqlite_where=sa.text("keyword IS NOT NULL"),
            postgresql_where=sa.text("keyword IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_type=sa.BigInteger(), foreign_key="bot_user.id", ondelete="CASCADE", index=True
    )
    topic_id: str | None = Field(default=None, foreign_key="topic.id", max_length=64, index=True)
    keyword: str | None = Field(default=None, max_length=256)
    created_at: datetime = _ts(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """One article delivered to one user: the unique pair is what makes delivery exactly once."""

    __table_args__ = (sa.UniqueConstraint("user_id", "article_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger(), foreign_key="bot_user.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE", index=True)
    kind: str = Field(default="digest", max_length=8)  # digest | alert | manual
    delivered_at: datetime = _ts(default_factory=utcnow, index=True)


class Cursor(SQLModel, table=True):
    """A named high-water mark, e.g. the last article id the alert job has looked at."""

    name: str = Field(primary_key=True, max_length=64)
    value: int = Field(default=0, sa_type=sa.BigInteger())
