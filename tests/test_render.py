"""Telegram HTML for digests and lists: escaped, valid, cut at item boundaries into messages of
at most 4,096 characters (issue #6; render.py is issue #7's, these tests pin what #6 relies on).
Validity is checked by the fake Bot API's own Telegram HTML parser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.digest import Digest, DigestItem, DigestSection
from bot.core.models import PRODUCT_LANGS, Lang, StoredArticle, TopicScore
from bot.core.topics import Taxonomy
from bot.fakebot.entities import parse_html
from bot.telegram import render
from bot.telegram.i18n import Catalog

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOSTILE_TITLES = [
    "<script>alert(1)</script>",
    "Tom & Jerry </a> <b>bold",
    "Quote \" and ' and <i>",
    "&amp; already escaped &lt;",
    "⚡️ Емодзи и RTL: مياه الشرب 💧",
]
HOSTILE_URLS = [
    'https://e.org/?q="><b>x</b>',
    "https://e.org/a?x=1&y=<2>",
    "javascript:alert(1)",
    "ftp://e.org/file",
    None,
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def article(i: int, title: str = "", url: str | None = "", summary: str = "") -> StoredArticle:
    return StoredArticle(
        id=i,
        title=title or f"Article number {i} about water in the steppe",
        url=f"https://news.example.org/{i}" if url == "" else url,
        lang=Lang.EN,
        summary=summary or "A summary of two lines. " * 8,
        published_at=NOW,
        ingested_at=NOW,
        source="https://news.example.org/feed.xml",
        topics=(TopicScore("water", 5.0, ("water", "river")),),
    )


def visible(markup: str) -> str:
    return parse_html(markup).text


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_titles_and_urls_give_valid_html_that_shows_them_verbatim(
    catalog: Catalog, title: str, url: str | None
) -> None:
    markup = render.item(article(1, title, url), catalog, Lang.EN, UTC)
    assert title in visible(markup)  # escaped going in, shown as typed
    assert "<script>" not in markup


def test_only_http_links_become_links(catalog: Catalog) -> None:
    assert "href" not in render.item(article(1, url="javascript:alert(1)"), catalog, Lang.EN, UTC)
    assert 'href="https://e.org/?q=&quot;&gt;' in render.item(
        article(1, url='https://e.org/?q="><b>x</b>'), catalog, Lang.EN, UTC
    )


def test_many_items_are_cut_into_messages_of_at_most_4096_at_item_boundaries(
    catalog: Catalog,
) -> None:
    items = [render.item(article(i), catalog, Lang.EN, UTC) for i in range(60)]
    messages = render.chunk(["<b>Header</b>", *items])
    assert len(messages) > 1
    assert all(len(m) <= render.MAX_MESSAGE for m in messages)
    for message in messages:
        visible(message)  # each one is valid on its own
    blocks = [b for m in messages for b in m.split("\n\n")]
    assert blocks == ["<b>Header</b>", *items]  # nothing split, lost or reordered


def test_a_digest_of_many_items_renders_valid_messages_carrying_their_article_ids(
    catalog: Catalog, analyzer_taxonomy: Taxonomy
) -> None:
    entries = tuple(DigestItem(article(i, title=HOSTILE_TITLES[i % 5]), 5.0) for i in range(1, 41))
    value = Digest(
        sections=(DigestSection("water", entries, more=3),),
        article_ids=frozenset(range(1, 44)),
    )
    messages = render.digest(value, analyzer_taxonomy, catalog, Lang.RU, UTC, NOW)
    assert len(messages) > 1
    for message in messages:
        assert len(message.text) <= render.MAX_MESSAGE
        visible(message.text)
    assert frozenset().union(*(m.article_ids for m in messages)) == value.article_ids
    assert "Водные ресурсы" in messages[0].text


def test_a_single_huge_block_is_cut_at_line_boundaries(catalog: Catalog) -> None:
    block = "\n".join(f"line {i} " + "x" * 90 for i in range(100))
    messages = render.chunk([block])
    assert all(len(m) <= render.MAX_MESSAGE for m in messages)
    assert "\n".join(messages).count("line ") == 100


@pytest.fixture(scope="module")
def analyzer_taxonomy() -> Taxonomy:
    from bot.core.analysis import Analyzer

    return Analyzer.load().taxonomy


@pytest.mark.parametrize("lang", PRODUCT_LANGS)
def test_a_full_keyword_section_says_how_many_more_and_where_to_find_them(
    catalog: Catalog, analyzer_taxonomy: Taxonomy, lang: Lang
) -> None:
    entries = tuple(DigestItem(article(i), 2.0) for i in range(1, 4))
    value = Digest(
        sections=(DigestSection(None, entries, more=4),),
        article_ids=frozenset(range(1, 8)),
    )
    messages = render.digest(value, analyzer_taxonomy, catalog, lang, UTC, NOW)
    text = "\n".join(m.text for m in messages)
    assert "4" in text.split(catalog.t(lang, "digest.keywords_section"))[1]
    assert "/search" in text
    assert frozenset().union(*(m.article_ids for m in messages)) == value.article_ids
