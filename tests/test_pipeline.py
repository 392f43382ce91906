"""fetch → parse → analyse → store, on SQLite and PostgreSQL (issue #3)."""

from __future__ import annotations

from pathlib import Path

from bot.core.analysis import Analyzer
from bot.core.models import Document, Lang
from bot.services import articles, pipeline
from bot.services.pipeline import SourceReport
from bot.services.store import Store
from storage import sources

from .conftest import SEEDS

MB = 1024 * 1024


def _store_docs(store: Store, analyzer: Analyzer, *docs: Document) -> SourceReport:
    report = SourceReport(locator="test", kind="file")
    pipeline.store_documents(store, analyzer, None, docs, report)
    return report


def _text(n: int = 1) -> str:
    base = (
        "Казахстан и Европейский союз обсудили добычу редкоземельных металлов и поставки "
        "критического сырья. Стороны договорились о совместной разведке месторождений лития "
        "и вольфрама в Восточном Казахстане. "
    )
    return base * n


def test_seed_folder_is_stored_with_language_topics_and_summary(
    store: Store, analyzer: Analyzer
) -> None:
    report = pipeline.ingest_path(store, analyzer, SEEDS, max_file_bytes=MB)
    assert report.taken == 5, report.line()
    stored = articles.latest(store)
    assert {a.lang for a in stored} == {Lang.RU, Lang.KK, Lang.PL}
    assert all(a.title and a.summary for a in stored)
    assert any(t.topic_id == "rare_earths" for a in stored for t in a.topics)


def test_second_ingest_of_the_same_folder_stores_nothing(store: Store, analyzer: Analyzer) -> None:
    pipeline.ingest_path(store, analyzer, SEEDS, max_file_bytes=MB)
    again = pipeline.ingest_path(store, analyzer, SEEDS, max_file_bytes=MB)
    assert again.taken == 0
    assert again.skipped["duplicate (same text)"] + again.skipped["duplicate (same url)"] == 5
    assert articles.count(store) == 5


def test_same_text_with_other_whitespace_and_markup_is_stored_once(
    store: Store, analyzer: Analyzer
) -> None:
    first = _store_docs(store, analyzer, Document(text=_text(3)))
    again = _store_docs(
        store, analyzer, Document(text=_text(3).replace(". ", ".\n\n  ").replace(" и ", "  и "))
    )
    assert (first.taken, again.taken) == (1, 0)
    assert again.skipped["duplicate (same text)"] == 1


def test_same_url_is_stored_once(store: Store, analyzer: Analyzer) -> None:
    url = "https://example.kz/news/1"
    _store_docs(store, analyzer, Document(text=_text(2), url=url))
    again = _store_docs(store, analyzer, Document(text=_text(2) + " Обновлено.", url=url))
    assert again.skipped["duplicate (same url)"] == 1
    assert articles.count(store) == 1


def test_reprint_with_small_edits_joins_the_first_story(store: Store, analyzer: Analyzer) -> None:
    original = _text(6)
    reprint = original.replace("обсудили", "обсуждали", 1) + " Источник: агентство."
    _store_docs(store, analyzer, Document(text=original, url="https://a.kz/1"))
    report = _store_docs(store, analyzer, Document(text=reprint, url="https://b.kz/2"))
    assert (report.taken, report.reprints) == (1, 1)
    first, second = sorted(articles.latest(store), key=lambda a: a.id)
    assert second.story_id == first.id == first.story_id


def test_unrelated_articles_are_separate_stories(store: Store, analyzer: Analyzer) -> None:
    _store_docs(store, analyzer, Document(text=_text(4)))
    other = (
        "Wojewoda spotkał się z ambasadorem Kazachstanu. Rozmawiano o współpracy gospodarczej, "
        "rolnictwie i wymianie studentów między uczelniami obu krajów. "
    ) * 3
    _store_docs(store, analyzer, Document(text=other))
    a, b = articles.latest(store)
    assert a.story_id != b.story_id


def test_missing_path_is_an_error_naming_it(store: Store, analyzer: Analyzer) -> None:
    report = pipeline.ingest_path(store, analyzer, Path("/no/such/dir"), max_file_bytes=MB)
    assert not report.ok
    assert "/no/such/dir" in report.line()


def test_bad_file_in_a_folder_keeps_the_good_ones_and_names_the_bad(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text("Заголовок\n\n" + _text(2), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 64)
    report = pipeline.ingest_path(store, analyzer, tmp_path, max_file_bytes=MB)
    assert report.ok and report.taken == 1
    joined = " ".join(report.errors)
    assert "empty.txt" in joined and "binary.txt" in joined


def test_failed_source_keeps_its_stored_articles(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Заголовок\n\n" + _text(2), encoding="utf-8")
    pipeline.ingest_path(store, analyzer, folder, max_file_bytes=MB)
    (folder / "a.txt").write_bytes(b"\x00\x01\x02" * 1000)
    report = pipeline.ingest_path(store, analyzer, folder, max_file_bytes=MB)
    assert report.errors
    assert articles.count(store) == 1
    with store.read() as session:
        (source, n), *_ = sources.listing(session)
    assert n == 1 and source.last_error and "a.txt" in source.last_error


def test_feed_items_with_one_short_summary_but_other_titles_are_all_stored(
    store: Store, analyzer: Analyzer
) -> None:
    items = [
        Document(text="Read more on our site.", title=f"Quote #{n}", url=f"https://q.kz/{n}")
        for n in range(3)
    ]
    assert _store_docs(store, analyzer, *items).taken == 3
