"""Repository functions for articles and their topic links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.tables import Article, ArticleCreate, ArticleTopic, Source


@dataclass(frozen=True, slots=True)
class TopicLink:
    topic_id: str
    score: float
    terms: str


@dataclass(frozen=True, slots=True)
class Added:
    article_id: int
    story_id: int
    #: True when the article joined an existing story (a reprint with small edits).
    reprint: bool


@dataclass(frozen=True, slots=True)
class Duplicate:
    article_id: int
    reason: str  # "same url" | "same text"


def find_duplicate(session: Session, *, url: str | None, content_hash: str) -> Duplicate | None:
    """The stored article that is this one: the same URL or the same words."""
    cond = col(Article.content_hash) == content_hash
    if url:
        cond = sa.or_(cond, col(Article.url) == url)
    row = session.exec(
        select(Article.id, Article.url, Article.content_hash).where(cond).limit(1)
    ).first()
    if row is None:
        return None
    article_id, stored_url, _ = row
    assert article_id is not None
    return Duplicate(article_id, "same url" if url and stored_url == url else "same text")


def find_story(
    session: Session, sketch: str, bands: Sequence[int], similar: Callable[[str, str], bool]
) -> int | None:
    """The story of a stored article that shares a band with this one and is `similar`."""
    conds = [getattr(Article, f"lsh{i}") == band for i, band in enumerate(bands) if band]
    if not conds:
        return None
    rows = session.exec(
        select(Article.id, Article.story_id, Article.sketch)
        .where(sa.or_(*conds))
        .order_by(col(Article.id))
        .limit(200)
    ).all()
    for article_id, story_id, other in rows:
        if similar(sketch, other):
            return story_id or article_id
    return None


def add(
    session: Session,
    data: ArticleCreate,
    bands: Sequence[int],
    topics: Sequence[TopicLink],
    story_id: int | None,
) -> Added | None:
    """Insert an article and its topic links; None when another writer stored it first."""
    article = Article.model_validate(
        data,
        update={f"lsh{i}": band for i, band in enumerate(bands)} | {"story_id": story_id},
    )
    try:
        # A savepoint, so a lost race (a concurrent ingest stored it between our check and our
        # insert) undoes only this article, not the batch around it.
        with session.begin_nested():
            session.add(article)
            session.flush()
            assert article.id is not None
            if story_id is None:
                article.story_id = article.id
            session.add_all(
                ArticleTopic(
                    article_id=article.id, topic_id=t.topic_id, score=t.score, terms=t.terms
                )
                for t in topics
            )
            session.flush()
    except IntegrityError:
        return None
    assert article.id is not None and article.story_id is not None
    return Added(article.id, article.story_id, reprint=story_id is not None)


def listing(
    session: Session,
    *,
    topic_id: str | None = None,
    lang: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Article, str | None, list[ArticleTopic]]]:
    """Newest first: each article with its source locator and topic links."""
    query = select(Article, Source.locator).join(
        Source, col(Article.source_id) == col(Source.id), isouter=True
    )
    if topic_id:
        query = query.where(
            col(Article.id).in_(
                select(ArticleTopic.article_id).where(ArticleTopic.topic_id == topic_id)
            )
        )
    if lang:
        query = query.where(Article.lang == lang)
    query = query.order_by(col(Article.ingested_at).desc(), col(Article.id).desc())
    rows = session.exec(query.offset(offset).limit(limit)).all()
    links = topic_links(session, [a.id for a, _ in rows if a.id is not None])
    return [(a, locator, links.get(a.id or 0, [])) for a, locator in rows]


def topic_links(session: Session, article_ids: Sequence[int]) -> dict[int, list[ArticleTopic]]:
    if not article_ids:
        return {}
    found: dict[int, list[ArticleTopic]] = {}
    rows = session.exec(
        select(ArticleTopic)
        .where(col(ArticleTopic.article_id).in_(article_ids))
        .order_by(col(ArticleTopic.score).desc())
    ).all()
    for link in rows:
        found.setdefault(link.article_id, []).append(link)
    return found


def count(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(Article)).one()


def window(
    session: Session, *, since: datetime, after_id: int
) -> list[tuple[Article, str | None, list[ArticleTopic]]]:
    """Articles ingested since `since` with an id above `after_id`, oldest first."""
    query = (
        select(Article, Source.locator)
        .join(Source, col(Article.source_id) == col(Source.id), isouter=True)
        .where(col(Article.id) > after_id, col(Article.ingested_at) >= since)
        .order_by(col(Article.id))
    )
    rows = session.exec(query).all()
    links = topic_links(session, [a.id for a, _ in rows if a.id is not None])
    return [(a, locator, links.get(a.id or 0, [])) for a, locator in rows]
