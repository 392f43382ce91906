"""RSS and Atom feeds to Documents. feedparser parses; we choose the charset when it cannot."""

from __future__ import annotations

import contextlib
import time
import xml.parsers.expat
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.core.models import Document
from bot.core.sources.plaintext import (
    detect_charset,
    html_to_text,
    is_binary,
    mime_of,
    normalize_lines,
    parse_error,
    primary_lang,
    title_from_text,
)

_GZIP_MAGIC = b"\x1f\x8b"
#: Root elements of the formats feedparser reads (RSS 0.9x/1.0 are RDF documents).
FEED_ROOTS = frozenset({"rss", "feed", "RDF", "channel"})
#: Media types that say "this is a feed" even before the body is looked at.
FEED_MIME_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
    }
)
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ENCODING_FAILURES = (feedparser.CharacterEncodingOverride, feedparser.CharacterEncodingUnknown)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's own title and language, and its entries as Documents."""

    title: str | None
    documents: tuple[Document, ...]
    lang: str | None = None


def parse_feed(
    body: bytes, *, url: str, content_type: str = "", origin: str | None = None
) -> ParsedFeed:
    """Parse RSS/Atom bytes fetched from `url`; relative links resolve against `url`.

    `origin` (default `url`) names the source in Documents and errors. Raises ParseError when
    the body is not a feed, or is a malformed one with no readable entry.
    """
    source = origin or url
    if not body.strip():
        raise parse_error(source, "empty, not a feed")
    if body.startswith(_GZIP_MAGIC):
        raise parse_error(source, "gzip-compressed binary data, not an RSS or Atom feed")
    if is_binary(body):
        raise parse_error(source, "binary data, not an RSS or Atom feed")
    parsed = _feedparse(body, url=url, content_type=content_type)
    feed_lang = primary_lang(parsed.feed.get("language"))
    documents = tuple(
        doc
        for entry in parsed.entries
        if (doc := _document(entry, origin=source, feed_lang=feed_lang)) is not None
    )
    if not documents:
        reason = _why_empty(body, parsed)
        if reason:
            raise parse_error(source, reason)
    return ParsedFeed(title=parsed.feed.get("title") or None, documents=documents, lang=feed_lang)


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """Whether a fetched body should be read as a feed rather than as a web page."""
    mime = mime_of(content_type)
    if mime in FEED_MIME_TYPES or (mime.endswith(("+xml", "/xml")) and mime not in _HTML_TYPES):
        return True
    # Servers often label feeds text/html or text/plain: the root element decides.
    return xml_root(body) in FEED_ROOTS


def xml_root(body: bytes) -> str | None:
    """The local name of the first element, read with expat up to that element only."""
    found: list[str] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        found.append(name.rsplit(" ", 1)[-1])
        raise _RootFound

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    with contextlib.suppress(_RootFound, xml.parsers.expat.ExpatError, ValueError, LookupError):
        parser.Parse(body[:65536], False)
    return found[0] if found else None


class _RootFound(Exception):
    """Stops expat at the first element: the rest of the document is not needed."""


def _feedparse(body: bytes, *, url: str, content_type: str) -> Any:
    # Bytes that are valid UTF-8 are UTF-8 whatever they declare: legacy text almost never is,
    # and feeds that declare ISO-8859-1 over UTF-8 bytes are common (Miniflux does the same).
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _run_feedparser(body, url, "application/xml; charset=utf-8")
    parsed = _run_feedparser(body, url, content_type or "application/xml")
    if isinstance(parsed.get("bozo_exception"), _ENCODING_FAILURES):
        # The declared (or RFC 3023 default) charset failed and feedparser fell back to
        # windows-1252, which garbles anything not Western European: detect instead.
        charset = detect_charset(body)
        if charset is not None:
            utf8 = body.decode(charset, errors="replace").encode("utf-8")
            parsed = _run_feedparser(utf8, url, "application/xml; charset=utf-8")
    return parsed


def _run_feedparser(body: bytes, url: str, content_type: str) -> Any:
    return feedparser.parse(
        body,
        response_headers={"content-type": content_type, "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )


def _why_empty(body: bytes, parsed: Any) -> str | None:
    """Why a feed without entries is broken, or None when it is a valid, empty feed."""
    if parsed.get("version"):
        if parsed.get("bozo"):
            return f"malformed feed, no readable entry ({_bozo_text(parsed)})"
        if not parsed.feed:
            return "empty feed: no channel and no entries"
        return None
    root = xml_root(body)
    if root is not None:
        return f"not an RSS or Atom feed (XML root <{root}>)"
    return f"not an RSS or Atom feed (not XML: {_bozo_text(parsed) or 'no element found'})"


def _bozo_text(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if isinstance(exc, xml.sax.SAXParseException):
        return f"line {exc.getLineNumber()}: {exc.getMessage()}"
    return " ".join(str(exc).split()) if exc else ""


def _document(entry: Any, *, origin: str, feed_lang: str | None) -> Document | None:
    """An entry as a Document; None for an entry with neither a title nor a link."""
    title = normalize_lines(entry.get("title") or "") or None
    link = entry.get("link") or None
    if title is None and link is None:
        return None
    text, lang = _entry_text(entry)
    if title is None:
        title = title_from_text(text)
    return Document(
        # Never empty: an entry with only a link still names something to read.
        text=text or title or link or "",
        title=title,
        url=link,
        published_at=_published_at(entry),
        origin=origin,
        declared_lang=lang or feed_lang,
    )


def _entry_text(entry: Any) -> tuple[str, str | None]:
    """The fullest body of an entry (content, else summary) as plain text, with its xml:lang."""
    candidates: list[Any] = [*entry.get("content", ()), entry.get("summary_detail")]
    best_text, best_lang = "", None
    for detail in candidates:
        if not detail or not detail.get("value"):
            continue
        value = str(detail["value"])
        text = normalize_lines(value) if detail.get("type") == "text/plain" else html_to_text(value)
        if len(text) > len(best_text):
            best_text, best_lang = text, primary_lang(detail.get("language"))
    return best_text, best_lang


def _published_at(entry: Any) -> datetime | None:
    """feedparser's `*_parsed` struct_time is UTC already; make it an aware datetime."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment: time.struct_time | None = entry.get(key)
        if moment is not None:
            return datetime(*moment[:6], tzinfo=UTC)
    return None
