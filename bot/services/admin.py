"""Operator use cases: sources and statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from bot.services.store import Store
from storage import deliveries, sources
from storage.tables import Article, ArticleTopic, Source, Subscription, User


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: int
    kind: str
    locator: str
    articles: int
    last_fetch_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Stats:
    users: int
    active_users: int
    digests_today: int
    subscriptions_per_topic: tuple[tuple[str, int], ...]
    articles_per_lang: tuple[tuple[str, int], ...]
    articles_per_topic: tuple[tuple[str, int], ...]


def list_sources(store: Store) -> list[SourceInfo]:
    with store.read() as session:
        return [
            SourceInfo(s.id or 0, s.kind, s.locator, n, s.last_fetch_at, s.last_error)
            for s, n in sources.listing(session)
        ]


def remove_source(store: Store, ref: str) -> SourceInfo | None:
    """Remove a source by its number or address; its articles stay (their source is unset)."""
    ref = ref.strip().removeprefix("#")
    with store.write() as session:
        query = select(Source)
        query = (
            query.where(Source.id == int(ref))
            if ref.isdigit()
            else query.where(Source.locator == ref)
        )
        source = session.exec(query).first()
        if source is None or source.id is None:
            return None
        info = SourceInfo(source.id, source.kind, source.locator, 0, source.last_fetch_at, None)
        session.execute(
            sa.update(Article).where(col(Article.source_id) == source.id).values(source_id=None)
        )
        session.delete(source)
        return info


def stats(store: Store, *, now: datetime) -> Stats:
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with store.read() as session:
        users = session.exec(select(sa.func.count()).select_from(User)).one()
        active = session.exec(
            select(sa.func.count())
            .select_from(User)
            .where(col(User.active), sa.not_(col(User.paused)))
        ).one()
        per_topic = session.execute(
            sa.select(col(Subscription.topic_id), sa.func.count())
            .where(col(Subscription.topic_id).is_not(None))
            .group_by(col(Subscription.topic_id))
            .order_by(sa.func.count().desc())
        ).all()
        per_lang = session.execute(
            sa.select(col(Article.lang), sa.func.count())
            .group_by(col(Article.lang))
            .order_by(sa.func.count().desc())
        ).all()
        per_article_topic = session.execute(
            sa.select(col(ArticleTopic.topic_id), sa.func.count())
            .group_by(col(ArticleTopic.topic_id))
            .order_by(sa.func.count().desc())
        ).all()
        today = deliveries.sent_since(session, day_start)
    return Stats(
        users=users,
        active_users=active,
        digests_today=today,
        subscriptions_per_topic=tuple((str(t), int(n)) for t, n in per_topic),
        articles_per_lang=tuple((str(lang), int(n)) for lang, n in per_lang),
        articles_per_topic=tuple((str(t), int(n)) for t, n in per_article_topic),
    )
