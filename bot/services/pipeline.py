"""fetch → parse → analyse → store, idempotent: the same input twice stores nothing new."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.core import ingest
from bot.core.analysis import AnalysisInput
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
    def analyze_many(self, items: Sequence[AnalysisInput]) -> list[Analysis]: ...


@dataclass
class SourceReport:
    """What one source gave: how many articles were taken, skipped and why, or its error."""

    locator: str
    kind: str
    taken: int = 0
    reprints: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    #: Read anyway, but worth telling (undecodable bytes replaced).
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False
    read_any: bool = False

    @property
    def ok(self) -> bool:
        return self.read_any or self.not_modified or not self.errors

    def line(self) -> str:
        if not self.ok:
            # Errors name their source already; say it once.
            return f"{self.locator}: failed: {self.errors[0].removeprefix(self.locator + ': ')}"
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
    return ingest.is_url(locator)


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
    reports = []
    for loc in locators:
        if is_url(loc):
            reports.append(ingest_url(store, analyzer, fetcher, loc, now=now))
        elif (scheme := _other_scheme(loc)) is not None:
            report = SourceReport(locator=loc, kind="url")
            why = f"{scheme}:// URLs are not supported; give an http(s) URL, a file or a folder"
            report.errors.append(f"{loc}: {why}")
            reports.append(report)
        else:
            path = Path(loc)
            reports.append(
                ingest_path(store, analyzer, path, max_file_bytes=max_file_bytes, now=now)
            )
    return reports


def _other_scheme(locator: str) -> str | None:
    """The scheme of a URL that is not http(s) (`ftp`, `file`), None for anything else."""
    scheme, sep, _ = locator.partition("://")
    return scheme.lower() if sep and scheme.isalpha() else None


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
        report.errors.append(f"{path}: no such file or folder")
        return report
    with store.write() as session:
        source_id = sources.get_or_create(session, kind="file", locator=locator).id

    def documents() -> Iterator[Document]:
        for result in ingest.read_path(path, max_bytes=max_file_bytes):
            if result.error is not None:
                report.errors.append(str(result.error))
            elif result.skipped:
                report.skipped[result.skipped] += 1
            else:
                report.read_any = True
                report.warnings.extend(result.warnings)
                yield from result.documents

    # One stream over all the files, so batches span files (a folder of one-article files
    # is the common case).
    store_documents(store, analyzer, source_id, documents(), report)
    if path.is_dir() and not report.read_any and not report.errors:
        kinds = ", ".join(ingest.SUFFIX_KINDS)
        report.errors.append(f"{path}: nothing to read, no {kinds} file in this folder")
    _record(store, source_id, report, now=now)
    return report


def ingest_url(
    store: Store, analyzer: Analyze, fetcher: Fetcher, url: str, *, now: datetime | None = None
) -> SourceReport:
    now = now or datetime.now(UTC)
    with store.write() as session:
        source = sources.get_or_create(session, kind="feed", locator=url)
        etag, last_modified, source_id = source.etag, source.last_modified, source.id
        known_kind = source.kind
    report = SourceReport(locator=url, kind=known_kind)
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
    """Analyse and store new documents in batches; duplicates are counted, not stored.

    Batches overlap: while one batch is being analysed (on worker processes, with a pooled
    analyzer), the next one is read and checked for duplicates, and the one before is written.
    """
    seen: set[str] = set()
    pending: tuple[list[_Fresh], Future[list[Analysis]]] | None = None
    with ThreadPoolExecutor(1, thread_name_prefix="analysis") as background:
        for batch in _batches(documents):
            todo = _new_only(store, batch, seen, report)
            started = background.submit(
                analyzer.analyze_many,
                [(body, doc.title, doc.declared_lang) for doc, body, _ in todo],
            )
            if pending is not None:
                _write(store, source_id, *pending, report)
            pending = (todo, started)
        if pending is not None:
            _write(store, source_id, *pending, report)


_Fresh = tuple[Document, str, Fingerprint]


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _new_only(
    store: Store, batch: Sequence[Document], seen: set[str], report: SourceReport
) -> list[_Fresh]:
    """The documents of the batch that are neither stored nor seen earlier in this run."""
    fresh: list[_Fresh] = []
    for doc in batch:
        body = doc.text.strip() or (doc.title or "").strip()
        if not body:
            report.skipped["empty"] += 1
            continue
        fp = fingerprint(body, doc.title)
        if doc.url and doc.url in seen:
            report.skipped["duplicate (same url)"] += 1
            continue
        if fp.content_hash in seen:
            report.skipped["duplicate (same text)"] += 1
            continue
        seen.update(k for k in (fp.content_hash, doc.url) if k)
        fresh.append((doc, body, fp))
    if not fresh:
        return []
    with store.read() as session:
        stored = articles.existing(
            session,
            hashes=[fp.content_hash for _, _, fp in fresh],
            urls=[doc.url for doc, _, _ in fresh if doc.url],
        )
    todo = []
    for doc, body, fp in fresh:
        if doc.url and doc.url in stored.urls:
            report.skipped["duplicate (same url)"] += 1
        elif fp.content_hash in stored.hashes:
            report.skipped["duplicate (same text)"] += 1
        else:
            todo.append((doc, body, fp))
    return todo


def _write(
    store: Store,
    source_id: int | None,
    todo: list[_Fresh],
    analyses: Future[list[Analysis]],
    report: SourceReport,
) -> None:
    if not todo:
        return
    new = [
        _new_article(source_id, doc, fp, analysis)
        for (doc, _, fp), analysis in zip(todo, analyses.result(), strict=True)
    ]
    # Only the inserts hold the write lock: a concurrent writer (another ingest, the bot)
    # waits for them, not for the analysis.
    with store.write() as session:
        outcome = articles.add_batch(session, new, _same_story)
    report.taken += outcome.added
    report.reprints += outcome.reprints
    if outcome.lost:
        report.skipped["duplicate (stored meanwhile)"] += outcome.lost


def _new_article(
    source_id: int | None, doc: Document, fp: Fingerprint, analysis: Analysis
) -> articles.NewArticle:
    return articles.NewArticle(
        data=ArticleCreate(
            url=doc.url,
            title=analysis.title[:1024],
            text=doc.text,
            summary=analysis.summary,
            lang=analysis.lang.value,
            published_at=doc.published_at,
            source_id=source_id,
            content_hash=fp.content_hash,
            sketch=fp.sketch,
        ),
        bands=fp.bands,
        topics=tuple(
            articles.TopicLink(t.topic_id, t.score, " ".join(t.terms)) for t in analysis.topics
        ),
    )


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
