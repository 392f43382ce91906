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


#: Pages whose manifest phrase is a photo caption, which the extractor leaves out of the text.
CAPTION_PHRASES = {"pages/readability-herald-sun-1.html", "pages/readability-wapo-2.html"}


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(
            r,
            marks=pytest.mark.xfail(
                r["path"] in CAPTION_PHRASES, reason="a photo caption, not body text", strict=True
            ),
        )
        for r in PAGES
    ],
    ids=lambda r: r["path"],
)
def test_page_text_has_its_manifest_phrase(server, fetcher, record):
    assert record["phrase"] in page(server, fetcher, record["path"]).text


@pytest.mark.parametrize("record", PAGES, ids=lambda r: r["path"])
def test_page_text_does_not_open_with_its_title(server, fetcher, record):
    document = page(server, fetcher, record["path"])
    assert document.title is not None
    assert not document.text.casefold().startswith(document.title.casefold())


def test_title_loses_the_site_suffix_when_the_h1_is_the_headline(server, fetcher):
    document = page(server, fetcher, "pages/dw-com-en-colonial.html")
    assert document.title == "Berlin confronts Germany's colonial past with new initiative"


def test_date_line_above_the_article_is_not_text(server, fetcher):
    document = page(server, fetcher, "pages/readability-heise.html")
    assert document.text.startswith("Das in der iOS-Version bereits enthaltene TOTP-Feature")


def test_title_that_only_starts_like_an_h1_is_kept_whole():
    body = (
        b"<html><head><title>Aral Sea rivers are drying</title></head><body>"
        b"<h1>Aral Sea rivers</h1><h1>Weather</h1>"
        b"<p>The rivers of the Aral basin are drying, and the lake keeps shrinking.</p>"
        b"</body></html>"
    )
    assert parse_page(body, url="http://x/p").title == "Aral Sea rivers are drying"


def test_lead_shown_on_the_page_but_left_out_by_extraction_opens_the_text(server, fetcher):
    document = page(server, fetcher, "pages/readability-la-nacion.html")
    assert document.text.startswith("Los pueblos indígenas reclaman por derechos")


def test_meta_description_not_shown_on_the_page_is_not_added():
    body = (
        b"<html><head><title>Aral</title><meta name='description' content='Steppe News: the "
        b"latest news from the steppe, every day, all day long.'></head><body>"
        b"<p>The rivers of the Aral basin are drying, and the lake keeps shrinking.</p>"
        b"</body></html>"
    )
    assert "Steppe News" not in parse_page(body, url="http://x/p").text


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
