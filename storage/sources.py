"""Repository functions for sources: files, feeds and pages, with their fetch state."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.tables import Article, Source

#: A failing source is retried later and later, up to this many seconds between tries.
MAX_BACKOFF_S = 6 * 3600


def get_or_create(session: Session, *, kind: str, locator: str) -> Source:
    """The source at `locator`; a new one gets `kind`, a known one keeps what it was found to be
    (a page polled again is still a page, even when a 304 says nothing about it)."""
    source = session.exec(select(Source).where(Source.locator == locator)).first()
    if source is None:
        source = Source(kind=kind, locator=locator)
        session.add(source)
        session.flush()
    return source


def record_success(
    session: Session,
    source: Source,
    *,
    now: datetime,
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    source.last_fetch_at = now
    source.last_ok_at = now
    source.last_error = None
    source.error_count = 0
    if title:
        source.title = title[:512]
    if etag is not None:
        source.etag = etag
    if last_modified is not None:
        source.last_modified = last_modified
    source.next_fetch_at = _after(now, source.interval_s)
    session.add(source)


def record_failure(session: Session, source: Source, *, now: datetime, error: str) -> None:
    """Keep the error on the source and back off; its stored articles stay untouched."""
    source.last_fetch_at = now
    source.last_error = error[:2048]
    source.error_count += 1
    backoff = min(source.interval_s * 2 ** min(source.error_count, 10), MAX_BACKOFF_S)
    source.next_fetch_at = _after(now, backoff)
    session.add(source)


def _after(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)


def listing(session: Session) -> list[tuple[Source, int]]:
    """Every source with its article count."""
    counts = (
        select(Article.source_id, sa.func.count().label("n"))
        .group_by(col(Article.source_id))
        .subquery()
    )
    rows = session.exec(
        select(Source, sa.func.coalesce(counts.c.n, 0))
        .join(counts, counts.c.source_id == col(Source.id), isouter=True)
        .order_by(col(Source.id))
    ).all()
    return [(s, int(n)) for s, n in rows]


def due(session: Session, *, now: datetime, kinds: tuple[str, ...] = ("feed",)) -> list[Source]:
    """Active sources whose next fetch time has come."""
    return list(
        session.exec(
            select(Source)
            .where(
                col(Source.active),
                col(Source.kind).in_(kinds),
                sa.or_(col(Source.next_fetch_at).is_(None), col(Source.next_fetch_at) <= now),
            )
            .order_by(col(Source.next_fetch_at))
        ).all()
    )
