"""Repository functions for articles and their topic links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.tables import Article, ArticleCreate, ArticleTopic, Source, utcnow


@dataclass(frozen=True, slots=True)
class TopicLink:
    topic_id: str
    score: float
    terms: str


@dataclass(frozen=True, slots=True)
class Existing:
    hashes: frozenset[str]
    urls: frozenset[str]


def existing(session: Session, *, hashes: Sequence[str], urls: Sequence[str]) -> Existing:
    """Which of these content hashes and URLs are stored already (one query)."""
    cond: sa.ColumnElement[bool] = col(Article.content_hash).in_(hashes)
    if urls:
        cond = sa.or_(cond, col(Article.url).in_(urls))
    rows = session.exec(select(Article.content_hash, Article.url).where(cond)).all()
    return Existing(
        hashes=frozenset(h for h, _ in rows) & frozenset(hashes),
        urls=frozenset(u for _, u in rows if u) & frozenset(urls),
    )


@dataclass(frozen=True, slots=True)
class NewArticle:
    data: ArticleCreate
    bands: tuple[int, ...]
    topics: tuple[TopicLink, ...]


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    added: int
    reprints: int
    #: Articles another writer stored between our check and our insert.
    lost: int


Similar = Callable[[str, str], bool]


def add_batch(session: Session, new: Sequence[NewArticle], similar: Similar) -> BatchOutcome:
    """Insert articles with their topic links, joining each reprint to its story.

    The batch goes in with two multi-row INSERTs inside a savepoint; if a concurrent writer
    stored one of them meanwhile (a unique constraint fails), the batch is retried one article
    at a time so only the duplicates are left out.
    """
    stories = _stories(session, new, similar)
    now = utcnow()
    try:
        with session.begin_nested():
            rows = [_values(item, story, now) for item, story in zip(new, stories, strict=True)]
            # A plain multi-row INSERT, then the ids by content hash: SQLite cannot promise the
            # order of RETURNING rows for a multi-row insert, so it would go row by row.
            session.execute(sa.insert(Article), rows)
            found = session.execute(
                sa.select(col(Article.content_hash), col(Article.id)).where(
                    col(Article.content_hash).in_([r["content_hash"] for r in rows])
                )
            )
            by_hash = {content_hash: article_id for content_hash, article_id in found}
            ids = [by_hash[r["content_hash"]] for r in rows]
            for index, story in enumerate(stories):
                if isinstance(story, int) and story < 0:  # a reprint of an earlier batch row
                    session.execute(
                        sa.update(Article)
                        .where(col(Article.id) == ids[index])
                        .values(story_id=ids[-story - 1])
                    )
            links = [
                {
                    "article_id": article_id,
                    "topic_id": t.topic_id,
                    "score": t.score,
                    "terms": t.terms,
                }
                for article_id, item in zip(ids, new, strict=True)
                for t in item.topics
            ]
            if links:
                session.execute(sa.insert(ArticleTopic), links)
    except IntegrityError:
        added = reprints = 0
        for item, story in zip(new, stories, strict=True):
            lead = story if story is not None and story > 0 else None
            if add(session, item, lead) is not None:
                added += 1
                reprints += lead is not None
        return BatchOutcome(added, reprints, len(new) - added)
    return BatchOutcome(len(ids), sum(s is not None for s in stories), 0)


def _values(item: NewArticle, story: int | None, now: datetime) -> dict[str, Any]:
    values = item.data.model_dump()
    values.update({f"lsh{i}": band for i, band in enumerate(item.bands)})
    values["story_id"] = story if story is not None and story > 0 else None
    values["ingested_at"] = now
    return values


def _stories(session: Session, new: Sequence[NewArticle], similar: Similar) -> list[int | None]:
    """For each new article: the stored story it reprints, -(i + 1) when it reprints the i-th
    article of this batch, or None when it starts a story.

    A stored article that shares a band with the batch is a candidate; each candidate is
    checked once per new article, however many bands they share.
    """
    bands = [{b for b in (item.bands[i] for item in new) if b} for i in range(8)]
    conds = [getattr(Article, f"lsh{i}").in_(values) for i, values in enumerate(bands) if values]
    stored = (
        session.exec(
            select(Article.id, Article.story_id, Article.sketch, *_lsh_columns()).where(
                sa.or_(*conds)
            )
        ).all()
        if conds
        else []
    )
    # Candidates by (band number, band value): (story it leads to, its sketch).
    by_band: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for row in stored:
        candidate = (int(row[1] or row[0] or 0), str(row[2]))
        for i in range(8):
            value = row[3 + i]
            if value in bands[i]:
                by_band.setdefault((i, value), []).append(candidate)
    result: list[int | None] = []
    for index, item in enumerate(new):
        found: int | None = None
        checked: set[str] = set()
        for i, band in enumerate(item.bands):
            for story, sketch in by_band.get((i, band), ()) if band else ():
                if sketch in checked:
                    continue
                checked.add(sketch)
                if similar(item.data.sketch, sketch):
                    found = story
                    break
            if found is not None:
                break
        result.append(found)
        mine = (found or -(index + 1), item.data.sketch)
        for i, band in enumerate(item.bands):
            if band:
                by_band.setdefault((i, band), []).append(mine)
    return result


def _lsh_columns() -> list[Any]:
    return [getattr(Article, f"lsh{i}") for i in range(8)]


def _row(item: NewArticle, story: int | None) -> Article:
    return Article.model_validate(
        item.data,
        update={f"lsh{i}": band for i, band in enumerate(item.bands)}
        | {"story_id": story if story is not None and story > 0 else None},
    )


def _links(rows: Sequence[Article], new: Sequence[NewArticle]) -> list[ArticleTopic]:
    return [
        ArticleTopic(article_id=row.id or 0, topic_id=t.topic_id, score=t.score, terms=t.terms)
        for row, item in zip(rows, new, strict=True)
        for t in item.topics
    ]


def add(session: Session, item: NewArticle, story_id: int | None) -> int | None:
    """Insert one article and its links in a savepoint; None when another writer stored it."""
    try:
        with session.begin_nested():
            row = _row(item, story_id)
            session.add(row)
            session.flush()
            session.add_all(_links([row], [item]))
            session.flush()
    except IntegrityError:
        return None
    return row.id


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


def ids_since(session: Session, *, since: datetime, upto_id: int) -> list[int]:
    """Ids up to `upto_id` of the articles stamped since `since`.

    Ids are handed out when a row is inserted and seen when its transaction commits; on
    PostgreSQL two ingests commit side by side, so an article can appear after one with a
    higher id was already read. A reader that has seen every id up to `upto_id` asks for
    these to catch such late ones (an index range on `ingested_at`)."""
    rows = session.exec(
        select(Article.id).where(col(Article.ingested_at) >= since, col(Article.id) <= upto_id)
    )
    return [article_id for article_id in rows if article_id is not None]


def window(
    session: Session, *, since: datetime, after_id: int, also: Sequence[int] = ()
) -> list[tuple[Article, str | None, list[ArticleTopic]]]:
    """Articles ingested since `since` with an id above `after_id` or in `also`, oldest first."""
    newer: sa.ColumnElement[bool] = col(Article.id) > after_id
    if also:
        newer = sa.or_(newer, col(Article.id).in_(also))
    query = (
        select(Article, Source.locator)
        .join(Source, col(Article.source_id) == col(Source.id), isouter=True)
        .where(newer, col(Article.ingested_at) >= since)
        .order_by(col(Article.id))
    )
    rows = session.exec(query).all()
    links = topic_links(session, [a.id for a, _ in rows if a.id is not None])
    return [(a, locator, links.get(a.id or 0, [])) for a, locator in rows]
