"""fetch → parse → analyse → store, on SQLite and PostgreSQL (issue #3)."""

from __future__ import annotations

import html
from pathlib import Path

from bot.core.analysis import Analyzer
from bot.core.fetch import Fetcher
from bot.core.ingest import read_path
from bot.core.models import Document, Lang
from bot.services import articles, pipeline
from bot.services.pipeline import SourceReport
from bot.services.store import Store
from storage import sources

from .conftest import SEEDS
from .httpserver import serve_in_thread

MB = 1024 * 1024
DATA = Path(__file__).resolve().parent / "data"


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


def _seed_000() -> Document:
    (path,) = SEEDS.glob("000_*.txt")
    (result,) = read_path(path)
    (document,) = result.documents
    return document


def test_html_copy_of_a_stored_text_article_is_stored_once(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    seed = _seed_000()
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in seed.text.split("\n\n"))
    (tmp_path / "copy.html").write_text(
        f"<html><head><title>{seed.title}</title><style>p {{}}</style></head><body>"
        f"<nav>Главная | Новости</nav><article><h1>{seed.title}</h1><p>20.11.2025</p>"
        f"{paragraphs}</article><script>track()</script></body></html>",
        encoding="utf-8",
    )
    _store_docs(store, analyzer, seed)
    report = pipeline.ingest_path(store, analyzer, tmp_path / "copy.html", max_file_bytes=MB)
    assert report.skipped["duplicate (same text)"] == 1
    assert articles.count(store) == 1


def test_agency_reprint_of_a_seed_with_edits_joins_its_story(
    store: Store, analyzer: Analyzer
) -> None:
    seed = _seed_000()
    paragraphs = seed.text.split("\n\n")
    edited = "\n\n".join(paragraphs[:-1]).replace("приняла участие", "участвовала", 1)
    reprint = Document(
        text=f"АСТАНА. KAZINFORM – {edited}\n\nИсточник: Kazinform", title=seed.title
    )
    _store_docs(store, analyzer, seed)
    assert _store_docs(store, analyzer, reprint).reprints == 1


def test_items_whose_text_is_only_their_link_are_separate_stories(
    store: Store, analyzer: Analyzer
) -> None:
    links = ["http://127.0.0.1:8000/relative/uri", "http://127.0.0.1:8000/relative/link"]
    report = _store_docs(store, analyzer, *(Document(text=u, url=u) for u in links))
    assert (report.taken, report.reprints) == (2, 0)


def test_empty_folder_is_an_error_listing_the_files_it_reads(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    report = pipeline.ingest_path(store, analyzer, tmp_path, max_file_bytes=MB)
    assert not report.ok
    assert report.line().startswith(f"{tmp_path}: failed: nothing to read, no .txt, .md,")


def test_folder_of_unsupported_files_only_is_an_error(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    assert not pipeline.ingest_path(store, analyzer, tmp_path, max_file_bytes=MB).ok


def test_url_of_another_scheme_is_an_error_naming_it(store: Store, analyzer: Analyzer) -> None:
    with Fetcher() as fetcher:
        (report,) = pipeline.ingest_locators(
            store, analyzer, fetcher, ["ftp://example.kz/feed.xml"], max_file_bytes=MB
        )
    assert report.line() == (
        "ftp://example.kz/feed.xml: failed: ftp:// URLs are not supported; "
        "give an http(s) URL, a file or a folder"
    )


def test_undecodable_bytes_are_a_warning_and_the_file_is_taken(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.txt"
    path.write_bytes(("Заголовок\n\n" + _text(2)).encode() + b"\xff tail")
    report = pipeline.ingest_path(store, analyzer, path, max_file_bytes=MB)
    assert (report.taken, report.errors) == (1, [])
    assert report.warnings == [f"{path}: 1 undecodable byte replaced with \ufffd, the rest read"]


def test_page_polled_again_unchanged_stays_a_page(
    store: Store, analyzer: Analyzer, tmp_path: Path
) -> None:
    (tmp_path / "p.html").write_bytes((DATA / "article-with-scripts.html").read_bytes())
    with serve_in_thread(tmp_path, {"p.html": "text/html"}) as server, Fetcher() as fetcher:
        pipeline.ingest_url(store, analyzer, fetcher, server.url("p.html"))
        again = pipeline.ingest_url(store, analyzer, fetcher, server.url("p.html"))
    assert (again.not_modified, again.kind) == (True, "page")
    with store.read() as session:
        (source, _), *_ = sources.listing(session)
    assert source.kind == "page"
