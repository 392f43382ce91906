"""Shared steps of every reader: bytes to str, HTML to plain text, a title from text, UTC."""

from __future__ import annotations

import codecs
import contextlib
from datetime import UTC, datetime
from typing import Any

import charset_normalizer
import lxml.etree
import lxml.html

from bot.core.errors import ParseError

#: How much of the start is checked for NUL bytes, the mark of a binary file.
_SNIFF_BYTES = 8192
#: Titles made from text are cut at a word boundary below this many characters.
TITLE_MAX_CHARS = 120

#: What undecodable bytes become.
REPLACEMENT = "\ufffd"
#: Valid non-ASCII characters per invalid byte from which bytes are damaged UTF-8.
_DAMAGED_UTF8_RATIO = 10

#: On a detection tie, the first of these present wins (charset-normalizer's codec names).
_TIE_PREFERENCE = ("utf_8", "cp1252", "latin_1")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Elements whose text is never article text.
_HIDDEN_TAGS = ("script", "style", "noscript", "template", "head", "iframe", "svg")
#: Elements that end a line of text.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def parse_error(source: str, reason: str) -> ParseError:
    """A ParseError whose one-line message names the source, then says what is wrong."""
    return ParseError(f"{source}: {reason}", source=source, reason=reason)


def charset_of(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type header, if it names a known codec."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
            try:
                return codecs.lookup(charset).name
            except LookupError:
                return None
    return None


def mime_of(content_type: str) -> str:
    """The media type of a Content-Type header, lowercased, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def is_binary(body: bytes) -> bool:
    """True when the start holds NUL bytes and no UTF-16/32 byte-order mark explains them."""
    if any(body.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in body[:_SNIFF_BYTES]


def decode(body: bytes, *, source: str, charset: str | None = None) -> str:
    """Bytes to text: a BOM, then the declared charset, then UTF-8 (a few invalid bytes
    replaced, see `replaced_chars`), then detection.

    Raises ParseError for an empty or binary body, never UnicodeDecodeError.
    """
    if not body.strip():
        raise parse_error(source, "empty, no text")
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    if is_binary(body):
        raise parse_error(source, "binary data, not text")
    for codec in (charset or "utf-8", "utf-8"):
        with contextlib.suppress(UnicodeDecodeError, LookupError):
            return body.decode(codec)
    damaged = _damaged_utf8(body)
    if damaged is not None:
        return damaged
    charset = detect_charset(body)
    if charset is None:
        raise parse_error(source, "not UTF-8 and no known encoding fits; save it as UTF-8")
    return body.decode(charset, errors="replace")


def _damaged_utf8(body: bytes) -> str | None:
    """UTF-8 text with a few invalid bytes (a cut download, a stray legacy byte), with each bad
    byte replaced by U+FFFD; None when the bytes are not mostly UTF-8.

    Legacy 8-bit text almost never forms valid multi-byte UTF-8 sequences, so many valid
    non-ASCII characters against few bad bytes mean UTF-8, not a charset to detect.
    """
    text = body.decode("utf-8", errors="replace")
    bad = replaced_chars(body, text)
    valid = sum(1 for char in text if char > "\x7f" and char != REPLACEMENT)
    return text if valid >= _DAMAGED_UTF8_RATIO * bad else None


def replaced_chars(body: bytes, text: str) -> int:
    """How many characters of `text` decoding had to replace (U+FFFD not already in `body`)."""
    return max(0, text.count(REPLACEMENT) - body.count(REPLACEMENT.encode()))


def detect_charset(body: bytes) -> str | None:
    """The most likely charset of undeclared bytes, by charset-normalizer; None if none fits.

    On a tie, windows-1252 wins: detection cannot tell French in cp1252 from cp1250 by the
    letters alone, and cp1252 is what undeclared Western pages are in practice.
    """
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return None
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return next((c for c in _TIE_PREFERENCE if c in tied), best.encoding)


def html_to_text(html: str) -> str:
    """Visible text of HTML (document or fragment), a line per block, without scripts and styles."""
    if not html.strip():
        return ""
    try:
        tree: Any = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return normalize_lines(html)
    for element in list(tree.iter(*_HIDDEN_TAGS)):
        element.drop_tree()  # keeps the element's tail text
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    return normalize_lines(str(tree.text_content()))


def normalize_lines(text: str) -> str:
    """Collapse runs of spaces in each line, trim lines and keep at most one blank line in a row."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def same_line(a: str, b: str) -> bool:
    """Whether two lines are the same text but for spacing and letter case."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def title_from_text(text: str) -> str | None:
    """A title for an untitled item: its first line, cut at a word below TITLE_MAX_CHARS."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return None
    if len(first) <= TITLE_MAX_CHARS:
        return first
    cut = first[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already (sources rarely say)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def primary_lang(tag: str | None) -> str | None:
    """`ru-RU` → `ru`, `zh-CN` → `zh-cn` (langdetect's names); None for an empty tag."""
    if not tag or not tag.strip():
        return None
    tag = tag.strip().lower().replace("_", "-")
    if tag.startswith("zh-"):
        return tag[:5]
    return tag.split("-", 1)[0]
