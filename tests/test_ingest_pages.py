"""Single web pages by URL (issue 3, part c), against the real-world corpus on a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.errors import ParseError
from bot.core.fetch import Fetcher
from bot.core.ingest import SourceKind, parse_page, read_url

from .httpserver import REALWORLD, realworld_content_types, realworld_manifest, serve_in_thread

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "manifest.json").is_file(),
    reason=f"the real-world corpus is not at {REALWORLD}",
)

PAGES = (
    [r for r in realworld_manifest() if r["kind"] == "page"]
    if (REALWORLD / "manifest.json").is_file()
    else []
)


@pytest.fixture(scope="module")
def server():
    with serve_in_thread(REALWORLD, realworld_content_types()) as running:
        yield running


@pytest.fixture(scope="module")
def fetcher():
    with Fetcher(timeout_s=5) as client:
        yield client


def page(server, fetcher, path: str):
    result = read_url(fetcher, server.url(path))
    assert result.kind is SourceKind.PAGE
    (document,) = result.documents
    return document


@pytest.mark.parametrize("record", PAGES, ids=lambda r: r["path"])
def test_page_gives_its_manifest_title(server, fetcher, record):
    title = page(server, fetcher, record["path"]).title
    assert title
    assert record["title"] in title or title in record["title"]


def test_page_text_is_the_article(server, fetcher):
    document = page(server, fetcher, "pages/readability-bbc-1.html")
    assert "President Barack Obama has admitted that his failure to" in document.text
    assert "<" not in document.text


def test_windows_1250_page_gives_polish_letters(server, fetcher):
    document = page(server, fetcher, "pages/rp-pl-fundusze-windows-1250.html")
    assert document.title == 'Unijne fundusze coraz bliżej. Sejm zagłosował "za"'
    assert "Na lepszą konkurencyjność gospodarki" in document.text


def test_page_date_is_aware_utc(server, fetcher):
    document = page(server, fetcher, "pages/readability-bbc-1.html")
    assert document.published_at == datetime(2015, 7, 24, 4, 36, 9, tzinfo=UTC)


def test_page_url_is_the_fetched_url_and_origin(server, fetcher):
    url = server.url("pages/dw-com-en-colonial.html")
    (document,) = read_url(fetcher, url).documents
    assert document.url == url
    assert document.origin == url


def test_page_html_lang_is_the_declared_lang(server, fetcher):
    assert page(server, fetcher, "pages/osw-pl-czechy.html").declared_lang == "pl"


def test_header_charset_wins_over_detection():
    body = "<html><head><title>Żółw</title></head><body><p>Zażółć gęślą jaźń.</p></body></html>"
    document = parse_page(
        body.encode("cp1250"), url="http://x/p", content_type="text/html; charset=windows-1250"
    )
    assert "Zażółć gęślą jaźń." in document.text


def test_empty_page_is_a_named_parse_error():
    with pytest.raises(ParseError, match=r"^http://x/p: empty"):
        parse_page(b"  ", url="http://x/p")


def test_page_without_text_is_a_named_parse_error():
    with pytest.raises(ParseError, match=r"^http://x/p: "):
        parse_page(b"<html><body><script>x()</script></body></html>", url="http://x/p")
