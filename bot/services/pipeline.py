"""fetch → parse → analyse → store, idempotent: the same input twice stores nothing new."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from bot.core import ingest
from bot.core.errors import SourceError
from bot.core.fetch import Fetcher
from bot.core.fingerprint import NEAR_DUPLICATE_SIMILARITY, Fingerprint, fingerprint, similarity
from bot.core.models import Analysis, Document
from bot.services.store import Store
from storage import articles, sources
from storage.tables import ArticleCreate, Source

#: Articles written per transaction: large enough to amortise commits, small enough that a
#: concurrent writer (a second ingest, the bot) waits well under a second for the lock.
BATCH = 200


class Analyze(Protocol):
    def analyze(
        self, text: str, title: str | None = None, declared_lang: str | None = None
    ) -> Analysis: ...


@dataclass
class SourceReport:
    """What one source gave: how many articles were taken, skipped and why, or its error."""

    locator: str
    kind: str
    taken: int = 0
    reprints: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    not_modified: bool = False
    read_any: bool = False

    @property
    def ok(self) -> bool:
        return self.read_any or self.not_modified or not self.errors

    def line(self) -> str:
        if not self.ok:
            return f"{self.locator}: failed: {self.errors[0]}"
        if self.not_modified:
            return f"{self.locator}: not modified since the last fetch"
        parts = [f"{self.locator}: took {self.taken}"]
        if self.reprints:
            parts.append(f"({self.reprints} as reprints of stored stories)")
        skipped = sum(self.skipped.values())
        why = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        parts.append(f"skipped {skipped}" + (f" ({why})" if why else ""))
        return " ".join(parts)


def is_url(locator: str) -> bool:
    return locator.startswith(("http://", "https://"))


def ingest_locators(
    store: Store,
    analyzer: Analyze,
    fetcher: Fetcher,
    locators: Sequence[str],
    *,
    max_file_bytes: int,
    now: datetime | None = None,
) -> list[SourceReport]:
    """Ingest every path or URL; a failing one records its error and the others go on."""
    return [
        ingest_url(store, analyzer, fetcher, loc, now=now)
        if is_url(loc)
        else ingest_path(store, analyzer, Path(loc), max_file_bytes=max_file_bytes, now=now)
        for loc in locators
    ]


def ingest_path(
    store: Store,
    analyzer: Analyze,
    path: Path,
    *,
    max_file_bytes: int,
    now: datetime | None = None,
) -> SourceReport:
    now = now or datetime.now(UTC)
    locator = str(path.resolve()) if path.exists() else str(path)
    report = SourceReport(locator=str(path), kind="file")
    if not path.exists():
        report.errors.append(f"no such file or folder: {path}")
        return report
    with store.write() as session:
        source_id = sources.get_or_create(session, kind="file", locator=locator).id
    for result in ingest.read_path(path, max_bytes=max_file_bytes):
        if result.error is not None:
            report.errors.append(str(result.error))
            continue
        if result.skipped:
            report.skipped[result.skipped] += 1
            continue
        report.read_any = True
        store_documents(store, analyzer, source_id, result.documents, report)
    _record(store, source_id, report, now=now)
    return report


def ingest_url(
    store: Store, analyzer: Analyze, fetcher: Fetcher, url: str, *, now: datetime | None = None
) -> SourceReport:
    now = now or datetime.now(UTC)
    with store.write() as session:
        source = sources.get_or_create(session, kind="feed", locator=url)
        etag, last_modified, source_id = source.etag, source.last_modified, source.id
    report = SourceReport(locator=url, kind="feed")
    try:
        result = ingest.read_url(fetcher, url, etag=etag, last_modified=last_modified)
    except SourceError as exc:
        report.errors.append(str(exc))
        _record(store, source_id, report, now=now)
        return report
    report.kind = result.kind or report.kind
    report.not_modified = result.not_modified
    report.read_any = True
    store_documents(store, analyzer, source_id, result.documents, report)
    _record(
        store,
        source_id,
        report,
        now=now,
        kind=result.kind.value if result.kind else None,
        title=result.title,
        etag=result.etag,
        last_modified=result.last_modified,
    )
    return report


def store_documents(
    store: Store,
    analyzer: Analyze,
    source_id: int | None,
    documents: Iterable[Document],
    report: SourceReport,
) -> None:
    """Analyse and store new documents in batches; duplicates are counted, not stored."""
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= BATCH:
            _store_batch(store, analyzer, source_id, batch, report)
            batch = []
    if batch:
        _store_batch(store, analyzer, source_id, batch, report)


def _store_batch(
    store: Store,
    analyzer: Analyze,
    source_id: int | None,
    batch: Sequence[Document],
    report: SourceReport,
) -> None:
    # Analysis runs before the write lock is taken, so a concurrent writer waits only for the
    # inserts, and only documents that turn out new are analysed twice in the worst case.
    prepared = []
    seen: set[str] = set()
    with store.read() as session:
        for doc in batch:
            body = doc.text.strip() or (doc.title or "").strip()
            if not body:
                report.skipped["empty"] += 1
                continue
            fp = fingerprint(body)
            if fp.content_hash in seen or (doc.url and doc.url in seen):
                report.skipped["duplicate (same text)"] += 1
                continue
            dup = articles.find_duplicate(session, url=doc.url, content_hash=fp.content_hash)
            if dup is not None:
                report.skipped[f"duplicate ({dup.reason})"] += 1
                continue
            seen.add(fp.content_hash)
            if doc.url:
                seen.add(doc.url)
            prepared.append((doc, fp, analyzer.analyze(body, doc.title, doc.declared_lang)))
    if not prepared:
        return
    with store.write() as session:
        for doc, fp, analysis in prepared:
            _store_one(session, source_id, doc, fp, analysis, report)


def _store_one(
    session: Session,
    source_id: int | None,
    doc: Document,
    fp: Fingerprint,
    analysis: Analysis,
    report: SourceReport,
) -> None:
    story_id = articles.find_story(session, fp.sketch, fp.bands, _same_story)
    data = ArticleCreate(
        url=doc.url,
        title=analysis.title[:1024],
        text=doc.text,
        summary=analysis.summary,
        lang=analysis.lang.value,
        published_at=doc.published_at,
        source_id=source_id,
        content_hash=fp.content_hash,
        sketch=fp.sketch,
    )
    links = [articles.TopicLink(t.topic_id, t.score, " ".join(t.terms)) for t in analysis.topics]
    added = articles.add(session, data, fp.bands, links, story_id)
    if added is None:
        report.skipped["duplicate (stored meanwhile)"] += 1
        return
    report.taken += 1
    report.reprints += added.reprint


def _same_story(a: str, b: str) -> bool:
    return similarity(a, b) >= NEAR_DUPLICATE_SIMILARITY


def _record(
    store: Store,
    source_id: int | None,
    report: SourceReport,
    *,
    now: datetime,
    kind: str | None = None,
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    with store.write() as session:
        source = session.get(Source, source_id)
        if source is None:
            return
        if kind:
            source.kind = kind
        if report.ok:
            sources.record_success(
                session, source, now=now, title=title, etag=etag, last_modified=last_modified
            )
        if report.errors:
            # Partial failures (one bad file in a folder) are kept on the source too.
            sources.record_failure(session, source, now=now, error="; ".join(report.errors))
