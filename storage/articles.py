"""Repository functions for articles and their topic links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def find_story(session: Session, simhash: int, bands: Sequence[int], max_bits: int) -> int | None:
    """The story of a stored article whose SimHash is within `max_bits` of this one."""
    if simhash == 0:
        return None
    cond = sa.or_(
        col(Article.sim_band0) == bands[0],
        col(Article.sim_band1) == bands[1],
        col(Article.sim_band2) == bands[2],
        col(Article.sim_band3) == bands[3],
    )
    rows = session.exec(
        select(Article.id, Article.story_id, Article.simhash).where(cond).limit(200)
    ).all()
    best: tuple[int, int] | None = None
    for article_id, story_id, other in rows:
        bits = ((simhash ^ other) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()
        if bits <= max_bits and (best is None or bits < best[0]):
            best = (bits, story_id or article_id or 0)
    return best[1] if best else None


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
        update={
            "sim_band0": bands[0],
            "sim_band1": bands[1],
            "sim_band2": bands[2],
            "sim_band3": bands[3],
            "story_id": story_id,
        },
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
