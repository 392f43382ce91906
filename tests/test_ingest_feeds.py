"""RSS and Atom feeds by URL (issue 3, part b), against the real-world corpus on a local server."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urljoin

import pytest

from bot.core.errors import ParseError
from bot.core.fetch import Fetcher
from bot.core.ingest import SourceKind, parse_feed, read_url

from .httpserver import (
    REALWORLD,
    TestServer,
    realworld_content_types,
    realworld_manifest,
    serve_in_thread,
)

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "manifest.json").is_file(),
    reason=f"the real-world corpus is not at {REALWORLD}",
)


def _feeds(expect: str) -> list[dict]:
    if not (REALWORLD / "manifest.json").is_file():
        return []
    return [r for r in realworld_manifest() if r["kind"] == "feed" and r["expect"] == expect]


OK_FEEDS = _feeds("ok")
BROKEN_FEEDS = _feeds("broken")


@pytest.fixture(scope="module")
def server():
    with serve_in_thread(REALWORLD, realworld_content_types()) as running:
        yield running


@pytest.fixture(scope="module")
def fetcher():
    with Fetcher(timeout_s=5) as client:
        yield client


def read(server: TestServer, fetcher: Fetcher, path: str):
    return read_url(fetcher, server.url(path))


@pytest.mark.parametrize("record", OK_FEEDS, ids=lambda r: r["path"])
def test_ok_feed_gives_its_manifest_entries(server, fetcher, record):
    url = server.url(record["path"])
    result = read_url(fetcher, url)
    links = {d.url for d in result.documents}
    titles = {d.title for d in result.documents}
    found = [
        e
        for e in record["entries"]
        if (e["link"] and urljoin(url, e["link"]) in links) or (e["title"] and e["title"] in titles)
    ]
    assert result.kind is SourceKind.FEED
    assert len(found) >= record["min_entries"]


@pytest.mark.parametrize("record", OK_FEEDS, ids=lambda r: r["path"])
def test_ok_feed_entry_titles_match_the_manifest_for_each_link(server, fetcher, record):
    url = server.url(record["path"])
    titles = {d.url: d.title for d in read_url(fetcher, url).documents}
    expected = {urljoin(url, e["link"]): e["title"] for e in record["entries"] if e["link"]}
    assert {link: titles.get(link) for link in expected if expected[link]} == {
        link: title for link, title in expected.items() if title
    }


@pytest.mark.parametrize("record", OK_FEEDS, ids=lambda r: r["path"])
def test_ok_feed_gives_one_document_per_distinct_manifest_entry(server, fetcher, record):
    documents = read_url(fetcher, server.url(record["path"])).documents
    assert record["min_entries"] <= len(documents) <= record["items"]


@pytest.mark.parametrize("record", BROKEN_FEEDS, ids=lambda r: r["path"])
def test_broken_feed_gives_a_one_line_parse_error_naming_it(server, fetcher, record):
    with pytest.raises(ParseError) as caught:
        read(server, fetcher, record["path"])
    message = str(caught.value)
    assert message.startswith(server.url(record["path"]) + ": ")
    assert "\n" not in message


def test_not_a_feed_error_names_the_xml_root(server, fetcher):
    with pytest.raises(ParseError, match=r"not an RSS or Atom feed \(XML root <note>\)"):
        read(server, fetcher, "feeds/broken-not-a-feed.xml")


def test_gzip_binary_served_as_rss_is_named_binary(server, fetcher):
    with pytest.raises(ParseError, match="gzip-compressed binary data"):
        read(server, fetcher, "feeds/broken-gzip-sitemap.xml")


def test_windows_1251_feed_gives_cyrillic_titles(server, fetcher):
    result = read(server, fetcher, "feeds/ibash-ru-windows-1251.xml")
    assert result.documents[0].title == "Цитата #17703"


def test_declared_koi8r_feed_gives_cyrillic_titles(server, fetcher):
    result = read(server, fetcher, "feeds/koi8r-declared.xml")
    assert [d.title for d in result.documents] == ["Первая новость", "Вторая новость"]


def test_undeclared_koi8r_feed_is_detected(server, fetcher):
    (document,) = read(server, fetcher, "feeds/koi8r-undeclared.xml").documents
    assert document.title == "Как пережить новогоднюю ночь"
    assert document.text.startswith("Наверное, единственное")


def test_undeclared_latin1_feed_gives_french_accents(server, fetcher):
    result = read(server, fetcher, "feeds/scienceshumaines-fr-undeclared-latin1.xml")
    assert "pourraient être à l'origine" in result.documents[0].text


def test_utf8_bytes_under_a_latin1_declaration_are_read_as_utf8(server, fetcher):
    (document,) = read(server, fetcher, "feeds/utf8-declared-latin1.atom.xml").documents
    assert document.title == "Café"


def test_utf16_feed_with_bom_is_read(server, fetcher):
    (document,) = read(server, fetcher, "feeds/pocketsoap-rss2.0-utf-16le.xml").documents
    assert document.title == "Test Item - - RSS2.0 w/ NS no default NS"


def test_relative_link_resolves_against_the_feed_url(server, fetcher):
    (document,) = read(server, fetcher, "feeds/relative-link.rss.xml").documents
    assert document.url == server.url("relative/uri")


def test_entry_with_a_title_and_no_link_has_no_url(server, fetcher):
    (document,) = read(server, fetcher, "feeds/koi8r-undeclared.xml").documents
    assert document.url is None


def test_entry_with_a_link_and_no_title_still_has_text(server, fetcher):
    (document,) = read(server, fetcher, "feeds/bare-ampersands.xml").documents
    assert document.url == "http://link/get?a=1&b=2"
    assert document.title is None
    assert document.text


def test_entry_html_content_becomes_plain_text_without_css(server, fetcher):
    result = read(server, fetcher, "feeds/touchnokia-ru-css.atom.xml")
    text = result.documents[0].text
    assert text.startswith("Невидимая броня для Вашего девайса.")
    assert "<" not in text
    assert "{" not in text


def test_entry_dates_are_aware_utc(server, fetcher):
    result = read(server, fetcher, "feeds/golem-de-iso-8859-1.xml")
    assert all(d.published_at is not None for d in result.documents)
    assert {d.published_at.tzinfo for d in result.documents} == {UTC}


def test_documents_name_the_feed_as_origin(server, fetcher):
    url = server.url("feeds/heise-de-rdf.xml")
    assert {d.origin for d in read_url(fetcher, url).documents} == {url}


def test_feed_language_is_the_declared_lang(server, fetcher):
    result = read(server, fetcher, "feeds/ibash-ru-windows-1251.xml")
    assert result.documents[0].declared_lang == "ru"


# -- conditional GET


def test_feed_answer_carries_validators(server, fetcher):
    result = read(server, fetcher, "feeds/heise-de-rdf.xml")
    assert result.etag
    assert result.last_modified


def test_poll_with_the_etag_is_not_modified(server, fetcher):
    url = server.url("feeds/heise-de-rdf.xml")
    first = read_url(fetcher, url)
    again = read_url(fetcher, url, etag=first.etag)
    assert again.not_modified
    assert again.documents == ()
    assert again.etag == first.etag


def test_poll_with_last_modified_is_not_modified(server, fetcher):
    url = server.url("feeds/heise-de-rdf.xml")
    first = read_url(fetcher, url)
    assert read_url(fetcher, url, last_modified=first.last_modified).not_modified


def test_poll_with_a_stale_etag_gets_the_feed(server, fetcher):
    result = read_url(fetcher, server.url("feeds/heise-de-rdf.xml"), etag='"stale"')
    assert not result.not_modified
    assert len(result.documents) == 60


# -- parse_feed on bytes


def test_entry_without_a_title_takes_it_from_its_text():
    body = (
        b"<rss version='2.0'><channel><title>T</title><item><link>http://x/1</link>"
        b"<description>&lt;p&gt;Rivers of the Aral basin are drying.&lt;/p&gt;</description>"
        b"</item></channel></rss>"
    )
    (document,) = parse_feed(body, url="http://x/feed").documents
    assert document.title == "Rivers of the Aral basin are drying."


def test_valid_feed_without_entries_is_empty_not_an_error():
    body = b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    feed = parse_feed(body, url="http://x/feed")
    assert feed.title == "Quiet"
    assert feed.documents == ()


def test_not_xml_is_a_named_parse_error():
    with pytest.raises(ParseError, match=r"^http://x/feed: not an RSS or Atom feed \(not XML"):
        parse_feed(b"hello, this is plain text", url="http://x/feed", content_type="text/xml")
