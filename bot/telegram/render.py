"""Telegram HTML for digests, lists and search pages, split at item boundaries.

Every value from an article is escaped here; tags come only from this module and the catalog,
so a message can never fail with "can't parse entities". A message holds at most 4,096
characters after entity parsing; chunks are cut between items, never inside one.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TypeGuard
from urllib.parse import urlsplit

from bot.core.digest import Digest, DigestItem
from bot.core.models import Lang, StoredArticle
from bot.core.topics import Taxonomy
from bot.telegram.i18n import Catalog, Html

#: Telegram's limit is 4,096 characters after parsing; raw HTML is longer than what it shows,
#: so staying under the limit in raw length is always safe.
MAX_MESSAGE = 4096
SUMMARY_CHARS = 300
TITLE_CHARS = 200


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def source_label(article: StoredArticle) -> str:
    """The host of the article's link, else of its source, else nothing."""
    for candidate in (article.url, article.source):
        if candidate and "://" in candidate:
            host = urlsplit(candidate).hostname or ""
            return host.removeprefix("www.")
    return ""


def item(
    article: StoredArticle,
    catalog: Catalog,
    lang: Lang,
    zone: tzinfo,
    *,
    also: Sequence[StoredArticle] = (),
    with_terms: bool = True,
    topic_id: str | None = None,
) -> str:
    """One article: linked title, source and date, a two-line summary, the words that matched
    (of `topic_id` when given: the topic it is listed under), links to its other versions."""
    title = esc(_clip(article.title, TITLE_CHARS))
    head = (
        f'<a href="{_attr(article.url)}">{title}</a>'
        if _linkable(article.url)
        else f"<b>{title}</b>"
    )
    when = article.published_at or article.ingested_at
    meta = " · ".join(p for p in (esc(source_label(article)), _date(when, zone)) if p)
    lines = [f"• {head}", f"<i>{meta}</i>"]
    if article.summary:
        lines.append(esc(_clip(article.summary, SUMMARY_CHARS)))
    terms = list(
        dict.fromkeys(
            term
            for topic in article.topics
            if topic_id is None or topic.topic_id == topic_id
            for term in topic.terms
        )
    )[:6]
    if with_terms and terms:
        lines.append(f"<i>{esc(catalog.t(lang, 'digest.matched'))}: {esc(', '.join(terms))}</i>")
    links = [
        f'<a href="{_attr(o.url)}">{esc(o.lang.value)} · {esc(source_label(o) or o.lang.value)}</a>'
        for o in also
        if _linkable(o.url)
    ]
    if links:
        lines.append(f"{esc(catalog.t(lang, 'digest.also'))}: " + ", ".join(links))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One message and the articles it shows: recorded as delivered once Telegram took it."""

    text: str
    article_ids: frozenset[int]


def digest(
    value: Digest,
    taxonomy: Taxonomy,
    catalog: Catalog,
    lang: Lang,
    zone: tzinfo,
    now: datetime,
    *,
    header_key: str = "digest.header",
) -> list[Rendered]:
    """The digest as messages: a header, then per topic its name, items and "and K more".
    Articles counted in "and K more" belong to the last message."""
    blocks: list[tuple[str, frozenset[int]]] = [
        (catalog.t(lang, header_key, date=_date(now, zone)), frozenset())
    ]
    shown: set[int] = set()
    for section in value.sections:
        if section.topic_id is None:
            name = catalog.t(lang, "digest.keywords_section")
        elif section.topic_id in taxonomy:
            name = taxonomy[section.topic_id].name(lang)
        else:
            name = section.topic_id
        blocks.append((f"<b>{esc(name)}</b>", frozenset()))
        for entry in section.items:
            ids = frozenset({entry.article.id, *(o.id for o in entry.also)})
            shown |= ids
            blocks.append((_item(entry, section.topic_id, catalog, lang, zone), ids))
        if section.more:
            more = catalog.plural(lang, "more", section.more)
            if section.topic_id is None:
                text = catalog.t(lang, "digest.more_keywords", more=more)
            else:
                text = catalog.t(lang, "digest.more", more=more, topic=section.topic_id)
            blocks.append((text, frozenset()))
    messages = chunk_with_ids(blocks)
    rest = value.article_ids - shown
    if rest and messages:
        last = messages[-1]
        messages[-1] = Rendered(last.text, last.article_ids | rest)
    return messages


def _item(
    value: DigestItem, topic_id: str | None, catalog: Catalog, lang: Lang, zone: tzinfo
) -> str:
    return item(value.article, catalog, lang, zone, also=value.also, topic_id=topic_id)


def listing(
    header: str, articles: Iterable[StoredArticle], catalog: Catalog, lang: Lang, zone: tzinfo
) -> list[str]:
    return chunk([header, *(item(a, catalog, lang, zone, with_terms=False) for a in articles)])


def chunk(blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks with blank lines into messages of at most `limit` characters."""
    return [m.text for m in chunk_with_ids([(b, frozenset()) for b in blocks], limit)]


def chunk_with_ids(
    blocks: Sequence[tuple[str, frozenset[int]]], limit: int = MAX_MESSAGE
) -> list[Rendered]:
    """Join blocks with blank lines into messages of at most `limit` characters, cutting only
    between blocks, each message carrying the ids of its blocks. A single block longer than the
    limit (it cannot happen with the clips above) is cut at a line boundary."""
    messages: list[Rendered] = []
    current, ids = "", frozenset[int]()
    for block, block_ids in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(Rendered(current, ids))
                current, ids = piece, frozenset()
            ids = ids | block_ids
    if current:
        messages.append(Rendered(current, ids))
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    out: list[str] = []
    current = ""
    for line in block.split("\n"):
        line = line if len(line) <= limit else esc(_clip(html.unescape(line), limit // 2))
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = line
    if current:
        out.append(current)
    return out


def _linkable(url: str | None) -> TypeGuard[str]:
    return bool(url) and urlsplit(url or "").scheme in ("http", "https")


def _date(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y")


def safe(text: str) -> Html:
    """Mark rendered HTML as safe for a catalog argument."""
    return Html(text)
